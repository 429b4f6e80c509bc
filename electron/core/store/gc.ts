import fs from 'node:fs';
import type { GcReport } from '../../../shared/api/artifacts.js';
import type { Project } from '../project/project.js';
import { ensureStore } from './api.js';
import { parseEntries } from './manifest.js';
import { listObjects } from './scan-objects.js';

/**
 * Objects no version references. Objects are stored before their rows are committed, so an add
 * running in another process has unreferenced objects for a while: those younger than the grace
 * period are left alone.
 */
export function gc(project: Project, opts: { apply: boolean; graceMs: number }): GcReport {
  ensureStore(project);
  const referenced = new Set<string>();
  for (const text of project.db.prepare('SELECT entries FROM manifests').pluck().all() as string[]) {
    for (const e of parseEntries(text)) if (e.kind === 'f') referenced.add(e.hash);
  }
  const cutoff = Date.now() - opts.graceMs;
  let unreferenced = 0;
  let bytes = 0;
  let young = 0;
  for (const o of listObjects(project.objectsDir)) {
    if (referenced.has(o.hash)) continue;
    if (o.mtimeMs > cutoff) {
      young++;
      continue;
    }
    unreferenced++;
    bytes += o.size;
    if (opts.apply) fs.rmSync(o.file, { force: true });
  }
  // The stat cache may name a removed content as stored; the next add checks again.
  if (opts.apply && unreferenced > 0) project.db.prepare('UPDATE stat_cache SET stored = 0').run();
  return { applied: opts.apply, unreferenced, bytes, young };
}
