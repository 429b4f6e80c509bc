import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunStatus } from '../../../shared/api/runs.js';
import type { Project } from '../project/project.js';
import { SeriesWriter } from '../metrics/chunks.js';
import { TrackingIngestor } from '../metrics/tracking.js';
import { kindOf, link } from '../pipeline/lineage.js';
import { storeClientCodeState, type ClientCodeState } from './code-state.js';
import { recordVersion } from '../store/api.js';
import { processAlive } from './recover.js';
import { insertRun } from './repo.js';

export function inboxDir(project: Project): string {
  return path.join(project.strataDir, 'inbox');
}

/** Where a run's own files (log_dict, log_figure…) are kept, for pipeline and terminal runs alike. */
export function runFilesDir(project: Project, runId: string): string {
  return path.join(project.strataDir, 'runs', runId, 'files');
}

const STATUSES: readonly string[] = ['done', 'failed', 'cancelled', 'interrupted'];
/** The stage name a terminal run's output and lineage are filed under. */
export const SCRIPT_STAGE = 'script';

type Rec = Record<string, unknown>;

function parse(line: string): Rec | null {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : null;
  } catch {
    return null;
  }
}

function startRecord(text: string): { id?: string; pid?: number; host?: string; name?: string | null } {
  const rec = parse(text.slice(0, text.indexOf('\n') >>> 0));
  return rec?.t === 'start' ? (rec as { id?: string; pid?: number; host?: string }) : {};
}

/** The records that name what the client copied beside the run: stored before the run is recorded. */
function sideRecords(text: string): { models: Rec[]; copies: Rec[]; git: ClientCodeState | undefined } {
  const models: Rec[] = [];
  const copies: Rec[] = [];
  let git: ClientCodeState | undefined;
  for (const line of text.split('\n')) {
    if (!line.includes('"f"') && !line.startsWith('{"t":"git"')) continue;
    const rec = parse(line);
    if (rec?.t === 'model' && typeof rec.name === 'string' && typeof rec.f === 'string') models.push(rec);
    if (rec?.t === 'artifact' && typeof rec.p === 'string' && typeof rec.f === 'string') copies.push(rec);
    if (rec?.t === 'git' && typeof rec.v === 'object' && rec.v !== null) git = rec.v as ClientCodeState;
  }
  return { models, copies, git };
}

/** A path the client wrote, relative to the inbox, that must stay inside this run's side folder. */
function sideFile(dir: string, id: string, rel: string): string | null {
  const side = path.join(dir, `${id}.d`);
  const abs = path.resolve(dir, rel);
  return abs.startsWith(side + path.sep) && fs.existsSync(abs) ? abs : null;
}

/** A name for a run its script did not name: the script and a number, so runs of one script tell apart. */
function autoName(project: Project, argv: string[] | undefined): string {
  const script = path.basename(argv?.[0] || '') || 'python';
  const n = project.db
    .prepare("SELECT count(*) FROM runs WHERE kind = 'inbox' AND name LIKE ? ESCAPE '\\'")
    .pluck()
    .get(`${script.replace(/[\\%_]/g, (c) => '\\' + c)} #%`) as number;
  return `${script} #${n + 1}`;
}

interface Versioned {
  versionId: number;
  path: string;
}

/**
 * Versions what a terminal run logged from the copies its client made at the time: the models
 * (autolog) as model artifacts under models/<name>, the workspace files it logged under their own
 * paths. Re-running this after a crash reuses the versions already recorded (same content).
 */
async function versionCopies(
  project: Project,
  dir: string,
  id: string,
  text: string,
): Promise<{ done: Versioned[]; problems: string[] }> {
  const { models, copies } = sideRecords(text);
  const done: Versioned[] = [];
  const problems: string[] = [];
  const jobs = [
    ...models.map((m) => ({
      path: `models/${m.name as string}`,
      name: m.name as string,
      kind: 'model' as const,
      file: m.f as string,
    })),
    ...copies.map((c) => ({
      path: c.p as string,
      name: undefined,
      kind: kindOf(project, c.p as string),
      file: c.f as string,
    })),
  ];
  for (const job of jobs) {
    const from = sideFile(dir, id, job.file);
    if (!from) {
      problems.push(`logged ${job.path} was not versioned: the client's copy ${job.file} is missing`);
      continue;
    }
    try {
      const v = await recordVersion(project, {
        path: job.path,
        name: job.name,
        kind: job.kind,
        source: 'run',
        runId: id,
        message: 'logged from a script',
        from,
      });
      done.push({ versionId: v.id, path: job.path });
    } catch (err) {
      problems.push(`logged ${job.path} was not versioned: ${(err as Error).message}`);
    }
  }
  return { done, problems };
}

async function ingestOne(project: Project, dir: string, name: string): Promise<string | null> {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const start = startRecord(text);
  const id = start.id ?? name.replace(/\.jsonl$/, '');
  const ended = /"t"\s*:\s*"end"/.test(text.slice(-4096));
  if (
    !ended &&
    start.pid &&
    start.host === os.hostname() &&
    start.pid !== process.pid &&
    processAlive(start.pid)
  )
    return null;
  const side = path.join(dir, `${id}.d`);
  const forget = () => {
    fs.rmSync(file, { force: true });
    fs.rmSync(side, { recursive: true, force: true });
  };
  if (project.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) {
    forget();
    return null;
  }
  const { done, problems } = await versionCopies(project, dir, id, text);
  // The run's own files move beside its record before the record names them (a rename: atomic).
  const ownFiles = path.join(side, 'files');
  if (fs.existsSync(ownFiles)) {
    const dest = runFilesDir(project, id);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(ownFiles, dest);
  }
  const code = await storeClientCodeState(project, side, sideRecords(text).git);
  const st = fs.statSync(file);
  try {
    project.db.transaction(() => {
      insertRun(project, {
        id,
        name: id,
        kind: 'inbox',
        status: 'running',
        startedAt: st.birthtimeMs || st.mtimeMs,
      });
      const writer = new SeriesWriter(project.db, id);
      const ing = new TrackingIngestor(project.db, writer);
      ing.ingest(text.split('\n'));
      writer.flush();
      const m = ing.meta;
      const status: RunStatus =
        m.status && STATUSES.includes(m.status) ? (m.status as RunStatus) : 'interrupted';
      const environment = m.environment
        ? { ...m.environment, host: m.host ?? null, pid: m.pid ?? null, argv: m.argv ?? null }
        : { host: m.host ?? null, pid: m.pid ?? null };
      project.db
        .prepare(
          `UPDATE runs SET name = ?, status = ?, started_at = ?, ended_at = ?, skipped_lines = ?, nonfinite_values = ?,
           error = ?, environment = ? WHERE id = ?`,
        )
        .run(
          m.name ?? autoName(project, m.argv),
          status,
          m.startedAt ?? st.mtimeMs,
          m.endedAt ?? st.mtimeMs,
          ing.stats.skipped,
          ing.stats.nonFinite,
          m.status ? null : 'the script stopped without ending its run',
          JSON.stringify(environment),
          id,
        );
      const log = project.db.prepare(
        'INSERT INTO run_logs (run_id, stage, stream, at, text) VALUES (?, ?, ?, ?, ?)',
      );
      const at = m.endedAt ?? st.mtimeMs;
      for (const l of m.logs) log.run(id, SCRIPT_STAGE, l.stream, at, l.text);
      for (const p of problems) log.run(id, SCRIPT_STAGE, 'strata', at, `[strata] ${p}\n`);
      for (const v of done) link(project, id, v.versionId, 'out', SCRIPT_STAGE, v.path);
      code.save(id);
    })();
  } finally {
    code.release();
  }
  forget();
  return id;
}

const running = new WeakMap<Project, Promise<string[]>>();

/**
 * Turns the files that clients wrote outside Strata (.strata/inbox/*.jsonl, with the files they
 * copied in <id>.d/) into runs. A file whose writer is still alive is left for next time; one
 * already ingested (same id) is only removed. What the run logged is versioned first, then the run is
 * recorded in one transaction, then the inbox files go: a crash in between ingests nothing twice.
 * One ingestion at a time per project. Returns the ids of the new runs.
 */
export function ingestInbox(project: Project): Promise<string[]> {
  const previous = running.get(project) ?? Promise.resolve([]);
  const next = previous.then(async () => {
    const dir = inboxDir(project);
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
    } catch {
      return [];
    }
    const created: string[] = [];
    for (const name of names.sort()) {
      if (!project.db.open) break;
      const id = await ingestOne(project, dir, name);
      if (id) created.push(id);
    }
    return created;
  });
  running.set(
    project,
    next.catch(() => []),
  );
  return next;
}
