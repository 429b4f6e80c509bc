import type { Db } from '../db/sqlite.js';
import { SeriesWriter } from '../metrics/chunks.js';
import { LineTailer } from '../metrics/tail.js';
import { TrackingIngestor } from '../metrics/tracking.js';

/**
 * Tails a run's tracking file and ingests what the clients appended, in batches of whole lines, one
 * transaction a batch. A backlog is drained batch after batch with a turn of the event loop between
 * them, so the host stays responsive while a fast logger is caught up with.
 */
export class TrackingPump {
  readonly writer: SeriesWriter;
  readonly ingestor: TrackingIngestor;
  private readonly tailer: LineTailer;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    runId: string,
    file: string,
    private readonly onKeys: (keys: string[]) => void,
    private readonly intervalMs = 50,
  ) {
    this.writer = new SeriesWriter(db, runId);
    this.ingestor = new TrackingIngestor(db, this.writer);
    this.tailer = new LineTailer(file);
  }

  start(): void {
    const tick = () => {
      if (this.stopped || !this.db.open) return;
      const more = this.pumpOnce(4 << 20);
      this.timer = setTimeout(tick, more ? 0 : this.intervalMs);
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  /** Ingests up to maxBytes of new lines; true when it read something (more may be waiting). */
  pumpOnce(maxBytes: number, final = false): boolean {
    const lines = final ? this.tailer.rest() : this.tailer.read(maxBytes);
    if (lines.length === 0) return false;
    let keys: string[] = [];
    this.db.transaction(() => {
      this.ingestor.ingest(lines);
      keys = this.writer.flush();
    })();
    if (keys.length) this.onKeys(keys);
    return true;
  }

  /** Flushes points added directly through the ingestor (metrics files). */
  flush(): void {
    const keys = this.writer.flush();
    if (keys.length) this.onKeys(keys);
  }

  /** Reads everything written so far, a last line without a newline included: call when no writer is left. */
  drain(): void {
    while (this.pumpOnce(64 << 20)) {
      // until the file has nothing new
    }
    this.pumpOnce(0, true);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.drain();
  }
}
