// The prediction log of docs/deploy.md, as the built-in ONNX server writes it (the Python helper,
// resources/clients/python/strata/serve.py, writes the same lines).
import fs from 'node:fs';
import path from 'node:path';

export const FIXED_KEYS = new Set(['id', 'time', 'model', 'version', 'request', 'prediction', 'probability']);
export const DEFAULT_LOG_MAX_BYTES = 64 * 1024 * 1024;

/** Lines wait at most this long (or until 64 KiB gather) before they are written: one write per batch, not per request. */
const FLUSH_MS = 100;
const FLUSH_BYTES = 64 * 1024;

export class PredictionLog {
  private fd: number | null = null;
  private size = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private readonly start = new Date()
    .toISOString()
    .replace(/[-:.]/g, '')
    .replace(/(\d{3})Z$/, '$1000Z');

  constructor(
    private readonly folder: string | null,
    private readonly maxBytes = DEFAULT_LOG_MAX_BYTES,
  ) {
    if (folder) fs.mkdirSync(folder, { recursive: true });
  }

  /** One line per predicted row: id, time, model, version, request, the inputs as columns, the outputs. */
  write(
    meta: { model: string; version: number; request: string },
    names: string[],
    rows: number[][],
    predictions: unknown[],
    probabilities: unknown[] | null,
  ): void {
    if (!this.folder) return;
    const time = new Date().toISOString();
    let text = '';
    rows.forEach((row, i) => {
      const line: Record<string, unknown> = {
        id: `${meta.request}-${i}`,
        time,
        model: meta.model,
        version: meta.version,
        request: meta.request,
      };
      names.forEach((n, j) => (line[FIXED_KEYS.has(n) ? `input.${n}` : n] = row[j]));
      line.prediction = predictions[i];
      if (probabilities) line.probability = probabilities[i];
      text += JSON.stringify(line) + '\n';
    });
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    if (this.fd === null || this.size >= this.maxBytes) this.rotate();
    const buf = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    for (let off = 0; off < buf.length;) off += fs.writeSync(this.fd as number, buf, off);
    this.size += buf.length;
  }

  private rotate(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.seq++;
    const name = `predictions-${this.start}-${String(this.seq).padStart(4, '0')}.jsonl`;
    this.fd = fs.openSync(path.join(this.folder as string, name), 'a');
    this.size = 0;
  }

  close(): void {
    this.flush();
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
