import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunStatus } from '../../../shared/api/runs.js';
import type { Project } from '../project/project.js';
import { SeriesWriter } from '../metrics/chunks.js';
import { TrackingIngestor } from '../metrics/tracking.js';
import { processAlive } from './recover.js';
import { insertRun } from './repo.js';

export function inboxDir(project: Project): string {
  return path.join(project.strataDir, 'inbox');
}

const STATUSES: readonly string[] = ['done', 'failed', 'cancelled', 'interrupted'];

function startRecord(text: string): { id?: string; pid?: number; host?: string } {
  const first = text.slice(0, text.indexOf('\n') >>> 0);
  try {
    const rec = JSON.parse(first) as { t?: string; id?: string; pid?: number; host?: string };
    return rec.t === 'start' ? rec : {};
  } catch {
    return {};
  }
}

/**
 * Turns the files that clients wrote outside Strata (.strata/inbox/*.jsonl) into runs. A file whose
 * writer is still alive is left for next time; one already ingested (same id) is only removed. Each
 * file is ingested in one transaction and deleted after it commits, so a crash in between ingests
 * nothing twice. Returns the ids of the new runs.
 */
export function ingestInbox(project: Project): string[] {
  const dir = inboxDir(project);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const created: string[] = [];
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
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
      continue;
    const exists = project.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id);
    if (!exists) {
      project.db.transaction(() => {
        const st = fs.statSync(file);
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
        project.db
          .prepare(
            'UPDATE runs SET name = ?, status = ?, started_at = ?, ended_at = ?, skipped_lines = ?, nonfinite_values = ?, error = ?, environment = ? WHERE id = ?',
          )
          .run(
            m.name ?? id,
            status,
            m.startedAt ?? st.mtimeMs,
            m.endedAt ?? st.mtimeMs,
            ing.stats.skipped,
            ing.stats.nonFinite,
            m.status ? null : 'the script stopped without ending its run',
            JSON.stringify({ host: m.host ?? null, pid: m.pid ?? null }),
            id,
          );
      })();
      created.push(id);
    }
    fs.rmSync(file, { force: true });
  }
  return created;
}
