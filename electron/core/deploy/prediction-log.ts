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
  private names: string[] = [];
  private keys: string[] = [];
  private readonly start = new Date()
    .toISOString()
    .replace(/[-:.]/g, '')
    .replace(/(\d{3})Z$/, '$1000Z');

  /** `{"a":`, `,"b":`, … : the keys of a multiclass row's probabilities, spelled once */
  private readonly classKeys: string[] | null;

  /** `classes`: the class of each probability column, when the model names them. */
  constructor(
    private readonly folder: string | null,
    private readonly maxBytes = DEFAULT_LOG_MAX_BYTES,
    classes: string[] | null = null,
  ) {
    if (folder) fs.mkdirSync(folder, { recursive: true });
    this.classKeys =
      classes && classes.length > 2 ? classes.map((c, j) => `${j ? ',' : '{'}${JSON.stringify(c)}:`) : null;
  }

  /**
   * One line per predicted row: id, time, model, version, request, the inputs as columns, the outputs.
   * Lines are spelled out by hand rather than built as objects for JSON.stringify: the server writes
   * one per request, and building a 35-key object per row cost more than running the model. Inputs
   * are finite numbers (rows.ts checked), which print the same through String as through JSON.
   */
  write(
    meta: { model: string; version: number; request: string },
    names: string[],
    rows: number[][],
    predictions: unknown[],
    probabilities: (number[] | null)[] | null,
  ): void {
    if (!this.folder) return;
    const keys = this.inputKeys(names);
    const common = `,"time":"${new Date().toISOString()}","model":${JSON.stringify(meta.model)},"version":${meta.version},"request":${JSON.stringify(meta.request)}`;
    let text = '';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      text += `{"id":${JSON.stringify(`${meta.request}-${i}`)}${common}`;
      for (let j = 0; j < keys.length; j++) text += keys[j] + row[j];
      text += `,"prediction":${JSON.stringify(predictions[i])}`;
      if (probabilities) text += `,"probability":${this.probability(probabilities[i])}`;
      text += '}\n';
    }
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /**
   * A row's class probabilities as CBPE reads them (docs/drift.md): two classes, the second's (the
   * positive class); more, an object keyed by class when the model names its classes, else the list
   * in column order.
   */
  private probability(p: number[] | null): string {
    if (!p) return 'null';
    if (p.length === 2) return jsonNumber(p[1]);
    if (this.classKeys && this.classKeys.length === p.length) {
      let text = '';
      for (let j = 0; j < p.length; j++) text += this.classKeys[j] + jsonNumber(p[j]);
      return `${text}}`;
    }
    return `[${p.map(jsonNumber).join(',')}]`;
  }

  /** `,"name":` for each input column, kept while the names stay the same (every request, usually). */
  private inputKeys(names: string[]): string[] {
    const same =
      names === this.names ||
      (this.names.length === names.length && this.names.every((n, j) => n === names[j]));
    if (!same) {
      this.names = names;
      this.keys = names.map((n) => `,${JSON.stringify(FIXED_KEYS.has(n) ? `input.${n}` : n)}:`);
    }
    return this.keys;
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

/** A probability as JSON: a model's NaN or infinity is written as null, as JSON.stringify would. */
const jsonNumber = (v: number) => (Number.isFinite(v) ? String(v) : 'null');
