import crypto from 'node:crypto';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type {
  CheckResult,
  FileReport,
  ReportStatus,
  ValidationReport,
} from '../../../shared/api/validation.js';
import { StrataError } from '../../../shared/errors.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { Project } from '../project/project.js';
import { storedProfile } from '../stats/profiles.js';
import { readTable } from '../stats/read.js';
import { versionFiles, withStoredFile, type VersionFile } from '../stats/version-files.js';
import { findArtifact, latestVersion, requireArtifact, resolveRef, versionById } from '../store/repo.js';
import { evaluateFile, type Reference } from './evaluate.js';
import { fileChecks } from './file-checks.js';
import { checkKind, globMatcher, loadValidations, type ValidationEntry } from './rules.js';

/** Bumped when the same rules would give a different report: stored reports of another format are not reused. */
export const VALIDATION_FORMAT = 1;

function rulesHash(entry: ValidationEntry, reference: VersionInfo | null): string {
  const { where: _where, ...config } = entry;
  return crypto
    .createHash('sha256')
    .update(JSON.stringify({ format: VALIDATION_FORMAT, config, reference: reference?.rootHash ?? null }))
    .digest('hex');
}

function needsReference(entry: ValidationEntry): boolean {
  return entry.rules.some((r) => {
    const k = checkKind(r);
    if (k === 'drift') return true;
    const b =
      k === 'row_count'
        ? r.row_count
        : k === 'mean'
          ? r.mean
          : k === 'std'
            ? r.std
            : k === 'quantile'
              ? r.quantile
              : null;
    return b?.within_pct !== undefined;
  });
}

/** The entry's reference for a version: the one it names, else the version before it (none for the first). */
function referenceOf(project: Project, entry: ValidationEntry, version: VersionInfo): VersionInfo | null {
  if (entry.reference !== undefined) return resolveRef(project, entry.artifact, String(entry.reference));
  const id = project.db
    .prepare(
      'SELECT v.id FROM versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = ? AND v.number < ? ORDER BY v.number DESC LIMIT 1',
    )
    .pluck()
    .get(entry.artifact, version.number) as number | undefined;
  return id === undefined ? null : versionById(project, id);
}

export function statusOf(counts: ValidationReport['counts']): ReportStatus {
  if (counts.errors) return 'error';
  if (counts.failed) return 'fail';
  if (counts.warned) return 'warn';
  return 'pass';
}

function countChecks(files: FileReport[], extra: CheckResult[]): ValidationReport['counts'] {
  const counts = { passed: 0, warned: 0, failed: 0, skipped: 0, errors: 0 };
  for (const c of [...files.flatMap((f) => f.checks), ...extra]) {
    if (c.status === 'pass') counts.passed++;
    else if (c.status === 'skipped') counts.skipped++;
    else if (c.status === 'error') counts.errors++;
    else if (c.severity === 'warn') counts.warned++;
    else counts.failed++;
  }
  counts.errors += files.filter((f) => f.error).length;
  return counts;
}

export function storedReport(project: Project, id: number): ValidationReport {
  const row = project.db.prepare('SELECT id, report FROM validation_reports WHERE id = ?').get(id) as
    { id: number; report: string } | undefined;
  if (!row) throw new StrataError('NOT_FOUND', `No validation report ${id}.`);
  return { ...(JSON.parse(row.report) as ValidationReport), id: row.id };
}

/**
 * Validates one version against one entry of validations:. The same content checked with the same
 * rules (and reference) returns the stored report; `force` checks again.
 */
export async function validateVersion(
  project: Project,
  entry: ValidationEntry,
  version: VersionInfo,
  force = false,
): Promise<ValidationReport> {
  const started = performance.now();
  const refVersion = needsReference(entry) ? referenceOf(project, entry, version) : null;
  const hash = rulesHash(entry, refVersion);
  if (!force) {
    const row = project.db
      .prepare(
        'SELECT id, report FROM validation_reports WHERE version_id = ? AND name = ? AND rules_hash = ?',
      )
      .get(version.id, entry.name, hash) as { id: number; report: string } | undefined;
    if (row) return { ...(JSON.parse(row.report) as ValidationReport), id: row.id, cached: true };
  }

  const include = entry.include ? globMatcher(entry.include) : () => true;
  const all = versionFiles(project, version).filter((f) => include(f.path));
  const tabular = all.filter((f) => f.format);
  const refFiles = refVersion ? new Map(versionFiles(project, refVersion).map((f) => [f.path, f])) : null;
  const files: FileReport[] = [];
  // A missing object may come back (a fetch, a restore): such a report is shown but not kept.
  let transient = false;
  const hasTableRules =
    entry.columns !== undefined || entry.rules.some((r) => !checkKind(r).startsWith('file'));
  const extras = fileChecks(entry, all);
  if (hasTableRules && tabular.length === 0)
    extras.push({
      rule: -1,
      kind: 'files',
      label: 'tabular files to check',
      column: null,
      severity: 'error',
      status: 'error',
      failing: 0,
      total: 0,
      observed: null,
      expected: null,
      message: `${entry.artifact}@${version.number} has no CSV, TSV, JSONL or Parquet file${entry.include ? ` matching ${entry.include}` : ''}`,
      samples: [],
      where: entry.where(-1),
    });
  for (const f of hasTableRules ? tabular : []) {
    const reference = refVersion ? await referenceFor(project, refVersion, refFiles!.get(f.path)) : null;
    try {
      files.push(
        await withStoredFile(project, f, (readable) =>
          readTable(readable, f.format!, f.path, (from, allText) =>
            evaluateFile(entry, from, allText, { path: f.path, format: f.format! }, reference),
          ),
        ),
      );
    } catch (err) {
      if (!(err instanceof StrataError) || err.code !== 'DATA_INVALID') transient = true;
      files.push({
        path: f.path,
        format: f.format!,
        rows: null,
        columns: [],
        error: (err as Error).message,
        checks: [],
      });
    }
  }
  const counts = countChecks(files, extras);
  const report: ValidationReport = {
    id: 0,
    name: entry.name,
    artifact: entry.artifact,
    version: version.number,
    reference: refVersion?.number ?? null,
    rulesHash: hash,
    status: statusOf(counts),
    counts,
    files,
    fileChecks: extras,
    createdAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    cached: false,
  };
  if (transient) return report;
  const id = project.db
    .prepare(
      `INSERT INTO validation_reports (version_id, name, rules_hash, status, report) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (version_id, name, rules_hash) DO UPDATE SET status = excluded.status, report = excluded.report,
       created_at = excluded.created_at RETURNING id`,
    )
    .pluck()
    .get(version.id, entry.name, hash, report.status, JSON.stringify(report)) as number;
  return { ...report, id };
}

async function referenceFor(
  project: Project,
  version: VersionInfo,
  file: VersionFile | undefined,
): Promise<Reference> {
  if (!file) return { version: version.number, profile: null, missing: 'it has no file at this path' };
  try {
    return { version: version.number, profile: await storedProfile(project, file), missing: null };
  } catch (err) {
    return { version: version.number, profile: null, missing: (err as Error).message };
  }
}

/**
 * What `strata validate [target]` checks: every entry of the target's artifact at the target's
 * version, or, without a target, every entry at its artifact's latest version.
 */
export async function validateTarget(
  project: Project,
  target: string | undefined,
  force: boolean,
): Promise<ValidationReport[]> {
  const entries = await loadValidations(project);
  if (target) {
    const { artifact, ref } = parseSpec(target);
    requireArtifact(project, artifact);
    const mine = entries.filter((e) => e.artifact === artifact);
    if (!mine.length)
      throw new StrataError(
        'NOT_FOUND',
        `No validations: entry checks ${artifact}. Propose rules with \`strata validate infer ${artifact}@latest\`.`,
      );
    const version = resolveRef(project, artifact, ref);
    const out: ValidationReport[] = [];
    for (const e of mine) out.push(await validateVersion(project, e, version, force));
    return out;
  }
  const out: ValidationReport[] = [];
  for (const e of entries) {
    const a = findArtifact(project, e.artifact);
    const v = a ? latestVersion(project, a.id) : null;
    if (!v)
      throw new StrataError(
        'NOT_FOUND',
        `validations.${e.name} checks ${e.artifact}, which has no versions yet${a ? '' : ' (no such artifact)'}.`,
        { where: e.where(-1) ?? undefined },
      );
    out.push(await validateVersion(project, e, v, force));
  }
  return out;
}
