import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../shared/format.js';

describe('durations', () => {
  it('read as a person writes them, whole milliseconds under a second', () => {
    // A terminal run's times are float seconds from Python: 503.0576171875 ms was shown as such.
    expect(formatDuration(503.0576171875)).toBe('503 ms');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(61_400)).toBe('1 min 1 s');
    expect(formatDuration(3_725_000)).toBe('1 h 2 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-5)).toBe('—');
  });
});
