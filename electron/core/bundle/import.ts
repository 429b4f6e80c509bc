// strata bundle import: extracted into a temporary folder inside .strata/ (every entry checked as
// it is read), verified, then recorded as a version of the project's model with the bundle's
// lineage kept beside it; a refused bundle leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import type { BundleImportResult } from '../../../shared/api/bundle.js';
import type { Project } from '../project/project.js';
import { recordVersion } from '../store/api.js';
import { findArtifact } from '../store/repo.js';
import type { Limits } from './format.js';
import { readBundle } from './read.js';
import { summarise } from './review.js';
import { reportOf } from './verify.js';

export function importTempRoot(project: Project): string {
  return path.join(project.strataDir, 'tmp-bundles');
}

export async function importBundle(
  project: Project,
  file: string,
  opts: { limits?: Limits; signal?: AbortSignal } = {},
): Promise<BundleImportResult> {
  const root = importTempRoot(project);
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, 'import-'));
  try {
    const r = await readBundle(file, { extractTo: tmp, limits: opts.limits, hashWhole: true });
    const report = reportOf(file, r);
    if (!report.ok)
      throw new StrataError(
        'BUNDLE_INVALID',
        `${path.basename(file)} is refused: ${report.problems.join('; ')}`,
      );
    const { code, diff } = await summarise(file, tmp, r.manifest, report);
    const m = r.manifest.model;
    const from = path.join(tmp, 'model', ...(m.type === 'file' ? [path.posix.basename(m.path)] : []));
    const known = findArtifact(project, m.name);
    const v = await recordVersion(project, {
      path: known?.path ?? m.path,
      name: m.name,
      kind: 'model',
      source: 'manual',
      message: `imported from bundle ${path.basename(file)} (${m.name}@${m.version}, sha256 ${(report.sha256 as string).slice(0, 12)})`,
      from,
      reuseAnyVersion: true,
      signal: opts.signal,
    });
    const read = (name: string) =>
      fs.existsSync(path.join(tmp, name)) ? fs.readFileSync(path.join(tmp, name), 'utf8') : null;
    project.db
      .prepare(
        `INSERT INTO bundle_imports (version_id, bundle_sha256, origin, signer, manifest, lineage, file)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        v.id,
        report.sha256,
        `${m.name}@${m.version}`,
        report.signature.fingerprint,
        r.manifestBytes.toString('utf8'),
        read('lineage.json'),
        path.basename(file),
      );
    return {
      model: v.artifact,
      version: v.version,
      existing: !v.created,
      signature: report.signature,
      code,
      diff: diff && { files: diff.files.length, added: diff.added, deleted: diff.deleted, bytes: diff.bytes },
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
