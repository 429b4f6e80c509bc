/**
 * Runs `fire(key)` once a key has had no `touch` for `quietMs`, and never runs two at once for one
 * key: a touch during a run schedules one more run after it.
 */
export class Settler {
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private running = new Map<string, Promise<void>>();
  private again = new Set<string>();
  private stopped = false;

  constructor(
    private quietMs: number,
    private fire: (key: string) => Promise<void>,
  ) {}

  touch(key: string): void {
    if (this.stopped) return;
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(
      key,
      setTimeout(() => void this.run(key), this.quietMs),
    );
  }

  private async run(key: string): Promise<void> {
    this.timers.delete(key);
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const fired = this.fire(key);
    this.running.set(
      key,
      fired.catch(() => undefined),
    );
    try {
      await fired;
    } finally {
      this.running.delete(key);
      if (this.again.delete(key)) this.touch(key);
    }
  }

  /** No more runs; resolves once the runs already going have ended. */
  stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    return Promise.all(this.running.values()).then(() => undefined);
  }
}
