// The smoke test after a service starts (as TFX's InfraValidator queries a model before it is
// pushed): the model's input example is sent and the answer's shape checked.
import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { Project } from '../project/project.js';
import { parseEntries } from '../store/manifest.js';
import { locateObject } from '../store/packs.js';
import { manifestText } from '../store/repo.js';

const EXAMPLE_ROWS = 5;
const HEAD_BYTES = 64 * 1024;

export interface InputExample {
  rows: (number[] | Record<string, number>)[];
  /** where the rows came from, for the record */
  source: string;
}

function rowsOfCsv(text: string): InputExample['rows'] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (lines.length === 0) return [];
  const first = lines[0].split(',');
  const header = first.some((c) => c.trim() !== '' && Number.isNaN(Number(c)))
    ? first.map((c) => c.trim())
    : null;
  const body = (header ? lines.slice(1) : lines).slice(0, EXAMPLE_ROWS);
  return body.map((l) => {
    const cells = l.split(',').map(Number);
    return header ? Object.fromEntries(header.map((h, i) => [h, cells[i]])) : cells;
  });
}

function rowsOfFile(file: string, text: string): InputExample['rows'] {
  if (/\.jsonl?$/i.test(file)) {
    const parsed = file.endsWith('.json')
      ? (JSON.parse(text) as unknown)
      : text
          .split('\n')
          .filter((l) => l.trim())
          .slice(0, EXAMPLE_ROWS)
          .map((l) => JSON.parse(l) as unknown);
    const rows = Array.isArray(parsed) ? parsed : (parsed as { rows?: unknown })?.rows;
    if (!Array.isArray(rows))
      throw new StrataError('BAD_REQUEST', `${file} holds no rows ({"rows": [...]} or a list)`);
    return rows.slice(0, EXAMPLE_ROWS) as InputExample['rows'];
  }
  return rowsOfCsv(text.slice(0, text.lastIndexOf('\n') + 1) || text);
}

function head(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    return buf.subarray(0, fs.readSync(fd, buf, 0, HEAD_BYTES, 0)).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The rows to send: the model's own input_example.json, else the target's `example:` file, else the
 * first rows of the evaluation data its run read (a test/eval CSV among the run's dataset inputs).
 */
export function inputExample(
  project: Project,
  version: VersionInfo,
  modelDir: string,
  configured?: string,
): InputExample | null {
  const own = path.join(modelDir, 'input_example.json');
  if (fs.existsSync(own))
    return { rows: rowsOfFile(own, fs.readFileSync(own, 'utf8')), source: 'input_example.json' };
  if (configured) {
    const file = path.resolve(project.root, configured);
    if (!fs.existsSync(file))
      throw new StrataError('NOT_FOUND', `The target's example file ${configured} does not exist`);
    return { rows: rowsOfFile(file, head(file)), source: configured };
  }
  if (!version.runId) return null;
  const inputs = project.db
    .prepare(
      `SELECT v.root_hash AS root, io.path AS path FROM run_io io JOIN versions v ON v.id = io.version_id
       WHERE io.run_id = ? AND io.role = 'in'`,
    )
    .all(version.runId) as { root: string; path: string }[];
  const candidates: { name: string; hash: string }[] = [];
  for (const i of inputs) {
    const m = manifestText(project, i.root);
    for (const e of parseEntries(m.entries))
      if (e.kind === 'f' && /\.(csv|jsonl)$/i.test(e.path || i.path))
        candidates.push({ name: e.path ? `${i.path}/${e.path}` : i.path, hash: e.hash });
  }
  const rank = (n: string) => (/(test|eval|valid)/i.test(path.basename(n)) ? 0 : 1);
  candidates.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  for (const c of candidates) {
    const loc = locateObject(project.db, project.objectsDir, c.hash);
    if (!loc) continue;
    const fd = fs.openSync(loc.file, 'r');
    let text: string;
    try {
      const buf = Buffer.alloc(Math.min(HEAD_BYTES, loc.size));
      text = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, loc.offset)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
    const rows = rowsOfFile(c.name, text);
    if (rows.length) return { rows, source: `the first rows of ${c.name}` };
  }
  return null;
}

/**
 * Fits the example to the model's width when the service names it: evaluation rows one column wider
 * than the model's inputs carry their label last, which is dropped.
 */
async function fitted(url: string, name: string, rows: InputExample['rows']): Promise<InputExample['rows']> {
  let width: number | null = null;
  try {
    const r = await fetch(`${url}/v2/models/${encodeURIComponent(name)}`, {
      signal: AbortSignal.timeout(2000),
    });
    if (r.ok) {
      const shape = ((await r.json()) as { inputs?: { shape?: number[] }[] }).inputs?.[0]?.shape;
      if (shape && typeof shape[1] === 'number' && shape[1] > 0) width = shape[1];
    }
  } catch {
    width = null;
  }
  if (width === null) return rows;
  return rows.map((r) => (Array.isArray(r) && r.length === width + 1 ? r.slice(0, width) : r));
}

/** Sends the example to /predict and checks one prediction per row came back. */
export async function smokeTest(url: string, name: string, example: InputExample): Promise<string> {
  const rows = await fitted(url, name, example.rows);
  let res: Response;
  try {
    res = await fetch(`${url}/predict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ rows }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new StrataError(
      'DEPLOY_FAILED',
      `The smoke test got no answer from ${url}/predict: ${(err as Error).message}`,
    );
  }
  const text = await res.text();
  if (!res.ok)
    throw new StrataError(
      'DEPLOY_FAILED',
      `The smoke test (${rows.length} rows from ${example.source}) failed: HTTP ${res.status} ${text.slice(0, 300)}`,
    );
  let predictions: unknown;
  try {
    predictions = (JSON.parse(text) as { predictions?: unknown }).predictions;
  } catch {
    predictions = undefined;
  }
  if (!Array.isArray(predictions) || predictions.length !== rows.length)
    throw new StrataError(
      'DEPLOY_FAILED',
      `The smoke test sent ${rows.length} rows from ${example.source} and got ${Array.isArray(predictions) ? `${predictions.length} predictions` : `no list of predictions (${text.slice(0, 200)})`}`,
    );
  return `smoke test: ${rows.length} rows from ${example.source} answered`;
}
