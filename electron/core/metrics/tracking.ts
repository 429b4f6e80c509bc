import type { Db } from '../db/sqlite.js';
import { KEY_MAX } from '../../../shared/names.js';
import type { SeriesWriter } from './chunks.js';

export interface IngestStats {
  lines: number;
  points: number;
  /** lines that were not a valid record: skipped, counted, never fatal */
  skipped: number;
  /** metric values that were NaN or ±Inf: skipped, counted */
  nonFinite: number;
}

export const newStats = (): IngestStats => ({ lines: 0, points: 0, skipped: 0, nonFinite: 0 });

/** What a client's start/end records say about a run logged outside Strata (inbox files). */
export interface RunMeta {
  id?: string;
  name?: string;
  startedAt?: number;
  endedAt?: number;
  status?: string;
  pid?: number;
  host?: string;
  argv?: string[];
  /** what a terminal run's client recorded about its interpreter, packages and OS */
  environment?: Record<string, unknown>;
  /** what a terminal run's client recorded about the code (commit, diff file, untracked files) */
  git?: Record<string, unknown>;
  /** output a terminal run's client kept, in order */
  logs: { stream: 'stdout' | 'stderr' | 'strata'; text: string }[];
  /** files the run made (log_dict, log_figure…): name, and where the client put it */
  files: { name: string; file: string; media: string | null }[];
  /** fitted models the run logged (autolog), each versioned as a model artifact */
  models: { name: string; file: string; flavor: string | null }[];
  /** workspace files a terminal run logged, with the copy it made of each at that moment */
  copies: { path: string; file: string }[];
}

type Rec = Record<string, unknown>;

const HAS_NON_FINITE = /(?<![\w"])-?(?:NaN|Infinity)\b/;
const NON_FINITE = /(?<![\w"])-?(?:NaN|Infinity)\b/g;

// At module level: a closure made per line costs measurably at hundreds of thousands of lines a second.
const asRecord = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : null;

/** Python's json writes NaN and Infinity as bare words; JSON.parse rejects them. Read them as markers. */
function parseLine(line: string): Rec | null {
  try {
    return asRecord(JSON.parse(line));
  } catch {
    if (!HAS_NON_FINITE.test(line)) return null;
    try {
      return asRecord(JSON.parse(line.replace(NON_FINITE, '"__nonfinite__"')));
    } catch {
      return null;
    }
  }
}

const isNonFiniteMarker = (v: unknown) =>
  v === '__nonfinite__' ||
  v === 'NaN' ||
  v === 'Infinity' ||
  v === '-Infinity' ||
  v === 'nan' ||
  v === 'inf' ||
  v === '-inf';

/**
 * Applies lines of the tracking protocol (one JSON object a line, written by the Python and Node
 * clients) to a run. Caller wraps the call in a transaction. Protocol:
 *   {"t":"metric","k":"loss","v":0.5,"s":3,"ts":1700000000.1}   (s and ts optional; ts in seconds)
 *   {"t":"metrics","v":{"loss":0.5,"acc":0.9},"s":3,"ts":…}
 *   {"t":"param","k":"lr","v":0.1}  {"t":"params","v":{…}}
 *   {"t":"tag","k":"note","v":"x"}  {"t":"artifact","p":"models/m.pkl"}
 *   {"t":"start","id":…,"name":…,"ts":…,"pid":…,"host":…}  {"t":"end","status":"done","ts":…}
 */
export class TrackingIngestor {
  readonly stats = newStats();
  readonly meta: RunMeta = { logs: [], files: [], models: [], copies: [] };
  private readonly putParam;
  private readonly putTag;
  private readonly putArtifact;

  constructor(
    db: Db,
    private readonly writer: SeriesWriter,
  ) {
    this.putParam = db.prepare('INSERT OR REPLACE INTO run_params (run_id, key, value) VALUES (?, ?, ?)');
    this.putTag = db.prepare('INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)');
    this.putArtifact = db.prepare('INSERT OR IGNORE INTO run_artifacts (run_id, path) VALUES (?, ?)');
  }

  hasSeries(key: string): boolean {
    return this.writer.has(key);
  }

  get runId(): string {
    return this.writer.runId;
  }

  ingest(lines: string[]): void {
    for (const line of lines) {
      if (!line.trim()) continue;
      this.stats.lines += 1;
      const rec = parseLine(line);
      if (!rec || !this.apply(rec)) this.stats.skipped += 1;
    }
  }

  private apply(rec: Rec): boolean {
    const time = typeof rec.ts === 'number' && Number.isFinite(rec.ts) ? rec.ts * 1000 : Date.now();
    switch (rec.t) {
      case 'metric': {
        if (typeof rec.k !== 'string' || !rec.k) return false;
        return this.point(rec.k, rec.v, rec.s, time);
      }
      case 'metrics': {
        if (typeof rec.v !== 'object' || rec.v === null || Array.isArray(rec.v)) return false;
        // for…in over the parsed object rather than Object.entries: no [key, value] array per point.
        // JSON.parse makes plain objects, so every enumerable key is the record's own.
        const values = rec.v as Rec;
        let ok = true;
        for (const k in values) ok = this.point(k, values[k], rec.s, time) && ok;
        return ok;
      }
      case 'param':
        if (typeof rec.k !== 'string' || !rec.k || rec.k.length > KEY_MAX) return false;
        this.putParam.run(this.runId, rec.k, JSON.stringify(rec.v ?? null));
        return true;
      case 'params':
        if (typeof rec.v !== 'object' || rec.v === null) return false;
        for (const [k, v] of Object.entries(rec.v as Rec))
          if (k.length <= KEY_MAX) this.putParam.run(this.runId, k, JSON.stringify(v ?? null));
        return Object.keys(rec.v).every((k) => k.length <= KEY_MAX);
      case 'tag':
        if (typeof rec.k !== 'string' || !rec.k) return false;
        this.putTag.run(this.runId, rec.k, typeof rec.v === 'string' ? rec.v : JSON.stringify(rec.v ?? ''));
        return true;
      case 'artifact':
        if (typeof rec.p !== 'string' || !rec.p) return false;
        this.putArtifact.run(this.runId, rec.p);
        if (typeof rec.f === 'string' && rec.f) this.meta.copies.push({ path: rec.p, file: rec.f });
        return true;
      case 'file':
        if (typeof rec.p !== 'string' || !rec.p || typeof rec.f !== 'string' || !rec.f) return false;
        this.meta.files.push({ name: rec.p, file: rec.f, media: typeof rec.m === 'string' ? rec.m : null });
        return true;
      case 'model':
        if (typeof rec.name !== 'string' || !rec.name || typeof rec.f !== 'string' || !rec.f) return false;
        this.meta.models.push({
          name: rec.name,
          file: rec.f,
          flavor: typeof rec.flavor === 'string' ? rec.flavor : null,
        });
        return true;
      case 'log': {
        const stream = rec.s === 'stderr' || rec.s === 'strata' ? rec.s : 'stdout';
        if (typeof rec.v !== 'string') return false;
        const last = this.meta.logs[this.meta.logs.length - 1];
        if (last && last.stream === stream && last.text.length < 65536) last.text += rec.v;
        else this.meta.logs.push({ stream, text: rec.v });
        return true;
      }
      case 'env':
        if (typeof rec.v !== 'object' || rec.v === null) return false;
        this.meta.environment = rec.v as Rec;
        return true;
      case 'git':
        if (typeof rec.v !== 'object' || rec.v === null) return false;
        this.meta.git = rec.v as Rec;
        return true;
      case 'start':
        if (typeof rec.id === 'string') this.meta.id = rec.id;
        if (typeof rec.name === 'string') this.meta.name = rec.name;
        if (typeof rec.pid === 'number') this.meta.pid = rec.pid;
        if (typeof rec.host === 'string') this.meta.host = rec.host;
        if (Array.isArray(rec.argv)) this.meta.argv = rec.argv.map(String);
        this.meta.startedAt = time;
        return true;
      case 'end':
        this.meta.status = typeof rec.status === 'string' ? rec.status : 'done';
        this.meta.endedAt = time;
        return true;
      default:
        return false;
    }
  }

  /** Adds one point; a value that is not a finite number is counted, never stored. */
  point(key: string, value: unknown, step: unknown, time: number): boolean {
    if (!key || key.length > KEY_MAX) return false;
    if (typeof value === 'number' ? !Number.isFinite(value) : isNonFiniteMarker(value)) {
      this.stats.nonFinite += 1;
      return true;
    }
    if (typeof value !== 'number') return false;
    const s = typeof step === 'number' && Number.isFinite(step) ? step : this.writer.nextStep(key);
    this.writer.append(key, s, value, time);
    this.stats.points += 1;
    return true;
  }
}
