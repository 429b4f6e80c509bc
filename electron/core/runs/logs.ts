import type { Db } from '../db/sqlite.js';

export const DEFAULT_LOG_CAP = 4 << 20;
const ROW_CHARS = 64 << 10;

export type LogStream = 'stdout' | 'stderr' | 'strata';

/**
 * Keeps a stage's output: buffered in memory, written in batches, and capped. Past the cap the
 * output is still read (the step never blocks on a full pipe) but only counted, and one visible
 * "truncated" line is stored where the cut happened.
 */
export class LogSink {
  private pending: { stream: LogStream; text: string }[] = [];
  private kept = 0;
  bytes = 0;
  dropped = 0;
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly runId: string,
    private readonly stage: string,
    private readonly cap: number,
    private readonly onText: (stream: LogStream, text: string) => void,
  ) {
    this.insert = db.prepare('INSERT INTO run_logs (run_id, stage, stream, at, text) VALUES (?, ?, ?, ?, ?)');
  }

  write(stream: LogStream, text: string): void {
    const size = Buffer.byteLength(text);
    this.bytes += size;
    if (this.kept >= this.cap) {
      this.dropped += size;
      return;
    }
    let keep = text;
    if (this.kept + size > this.cap) {
      keep = Buffer.from(text)
        .subarray(0, this.cap - this.kept)
        .toString('utf8');
      this.dropped += size - Buffer.byteLength(keep);
    }
    this.kept += Buffer.byteLength(keep);
    this.push(stream, keep);
    if (this.kept >= this.cap) {
      this.push(
        'strata',
        `\n[strata] output truncated: only the first ${this.cap} bytes of this stage's output are kept; the rest is counted, not stored\n`,
      );
    }
  }

  /** A line from Strata itself (not the step), always stored. */
  note(text: string): void {
    this.push('strata', text.endsWith('\n') ? text : text + '\n');
  }

  private push(stream: LogStream, text: string): void {
    if (!text) return;
    const last = this.pending[this.pending.length - 1];
    if (last && last.stream === stream && last.text.length < ROW_CHARS) last.text += text;
    else this.pending.push({ stream, text });
    this.onText(stream, text);
  }

  flush(): void {
    // A project closed under a running stage: the run's end was written at close; late output goes nowhere.
    if (this.pending.length === 0 || !this.db.open) return;
    const rows = this.pending.splice(0);
    const now = Date.now();
    this.db.transaction(() => {
      for (const r of rows) this.insert.run(this.runId, this.stage, r.stream, now, r.text);
    })();
  }
}
