import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApi } from '../../renderer/api/http.js';

// Node has no EventSource: a minimal stand-in records listeners so dispatch can be driven by hand.
class FakeEventSource {
  static last: FakeEventSource | null = null;
  listeners = new Map<string, ((e: { data: string }) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(name: string, fn: (e: { data: string }) => void): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
  }
  dispatch(name: string, payload: unknown): void {
    for (const fn of this.listeners.get(name) ?? []) fn({ data: JSON.stringify(payload) });
  }
}

const g = globalThis as { EventSource?: unknown };
afterEach(() => {
  delete g.EventSource;
});

describe('http Api events', () => {
  it('delivers each event once, even after every handler unsubscribed and a new one came (StrictMode remount)', () => {
    g.EventSource = FakeEventSource;
    const api = createHttpApi();
    const first: unknown[] = [];
    const off = api.on('project.changed', (p) => first.push(p));
    off();
    const second: unknown[] = [];
    api.on('project.changed', (p) => second.push(p));
    FakeEventSource.last!.dispatch('project.changed', null);
    expect(first).toEqual([]);
    expect(second).toEqual([null]);
    expect(FakeEventSource.last!.listeners.get('project.changed')).toHaveLength(1);
  });

  it('ignores a frame that is not JSON instead of throwing', () => {
    g.EventSource = FakeEventSource;
    const api = createHttpApi();
    const got: unknown[] = [];
    api.on('job.update', (p) => got.push(p));
    for (const fn of FakeEventSource.last!.listeners.get('job.update') ?? []) fn({ data: '{oops' });
    expect(got).toEqual([]);
  });
});
