import { describe, expect, it } from 'vitest';
import { cronMatches, nextCronTime, parseCron } from '../../electron/core/ct/cron.js';

const at = (s: string) => new Date(s);

describe('the 5-field cron matcher', () => {
  it('matches lists, ranges, steps and names the next time', () => {
    const c = parseCron('*/15 9-17 * * 1-5');
    expect(cronMatches(c, at('2026-12-01T09:30:00'))).toBe(true); // a Tuesday
    expect(cronMatches(c, at('2026-12-01T09:31:00'))).toBe(false);
    expect(cronMatches(c, at('2026-12-01T18:00:00'))).toBe(false);
    expect(cronMatches(c, at('2026-12-06T10:00:00'))).toBe(false); // a Sunday
    expect(nextCronTime(c, at('2026-12-04T17:50:00'))).toEqual(at('2026-12-07T09:00:00'));
    expect(nextCronTime(parseCron('0 3 * * *'), at('2026-12-01T03:00:00'))).toEqual(
      at('2026-12-02T03:00:00'),
    );
    expect(nextCronTime(parseCron('5,35 * * * *'), at('2026-12-01T10:06:00'))).toEqual(
      at('2026-12-01T10:35:00'),
    );
  });

  it('treats 7 as Sunday, and restricted day-of-month and day-of-week as either, as cron does', () => {
    expect(cronMatches(parseCron('0 0 * * 7'), at('2026-12-06T00:00:00'))).toBe(true);
    const either = parseCron('0 0 1 * 1');
    expect(cronMatches(either, at('2026-12-01T00:00:00'))).toBe(true); // the 1st, a Tuesday
    expect(cronMatches(either, at('2026-12-07T00:00:00'))).toBe(true); // a Monday
    expect(cronMatches(either, at('2026-12-08T00:00:00'))).toBe(false);
    expect(nextCronTime(parseCron('0 12 29 2 *'), at('2027-01-01T00:00:00'))).toEqual(
      at('2028-02-29T12:00:00'),
    );
  });

  it('refuses what it cannot read, naming the field', () => {
    expect(() => parseCron('* * * *')).toThrow(/5 fields/);
    expect(() => parseCron('61 * * * *')).toThrow(/minute: 61 is outside 0-59/);
    expect(() => parseCron('* * * 0 *')).toThrow(/month/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/step/);
    expect(() => parseCron('a * * * *')).toThrow(/minute: cannot read "a"/);
  });
});
