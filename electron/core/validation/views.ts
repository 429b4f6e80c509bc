import type {
  CheckTrend,
  ProfileView,
  ValidationEntryInfo,
  ValidationSummary,
} from '../../../shared/api/validation.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import { versionProfiles } from '../stats/profiles.js';
import { findArtifact, listVersions, resolveRef } from '../store/repo.js';
import { loadValidations, globMatcher, type ValidationEntry } from './rules.js';
import type { ValidationReport } from '../../../shared/api/validation.js';

interface Row {
  id: number;
  number: number;
  report: string;
}

/** The newest stored report of each version of an entry's artifact, by version number. */
function latestReports(project: Project, entry: ValidationEntry): Map<number, ValidationReport> {
  const rows = project.db
    .prepare(
      `SELECT r.id, v.number, r.report FROM validation_reports r JOIN versions v ON v.id = r.version_id
       JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = ? AND r.name = ? ORDER BY r.created_at, r.id`,
    )
    .all(entry.artifact, entry.name) as Row[];
  const out = new Map<number, ValidationReport>();
  for (const r of rows) out.set(r.number, { ...(JSON.parse(r.report) as ValidationReport), id: r.id });
  return out;
}

const summary = (r: ValidationReport): ValidationSummary => ({
  id: r.id,
  name: r.name,
  artifact: r.artifact,
  version: r.version,
  status: r.status,
  counts: r.counts,
  createdAt: r.createdAt,
});

export async function listEntries(project: Project): Promise<ValidationEntryInfo[]> {
  const entries = await loadValidations(project);
  return entries.map((e) => {
    const a = findArtifact(project, e.artifact);
    const reports = latestReports(project, e);
    return {
      name: e.name,
      artifact: e.artifact,
      include: e.include ?? null,
      ruleCount: e.rules.length + (e.columns ? 1 : 0),
      versions: (a ? listVersions(project, a.id) : []).map((v) => {
        const r = reports.get(v.number);
        return { version: v.number, report: r ? summary(r) : null };
      }),
    };
  });
}

async function entryNamed(project: Project, name: string): Promise<ValidationEntry> {
  const e = (await loadValidations(project)).find((x) => x.name === name);
  if (!e) throw new StrataError('NOT_FOUND', `strata.yaml has no validations entry named ${name}.`);
  return e;
}

/** Each check's status across the versions that have a report, oldest first. */
export async function checkTrends(project: Project, name: string): Promise<CheckTrend[]> {
  const entry = await entryNamed(project, name);
  const reports = [...latestReports(project, entry).values()].sort((a, b) => a.version - b.version);
  const trends = new Map<string, CheckTrend>();
  for (const r of reports)
    for (const c of [
      ...r.files.flatMap((f) => f.checks.map((x) => ({ ...x, key: `${f.path}: ${x.label}` }))),
      ...r.fileChecks.map((x) => ({ ...x, key: x.label })),
    ]) {
      let t = trends.get(c.key);
      if (!t) trends.set(c.key, (t = { label: c.key, severity: c.severity, points: [] }));
      t.points.push({ version: r.version, status: c.status, failing: c.failing, observed: c.observed });
    }
  return [...trends.values()];
}

/** Column profiles of a version's files for an entry, with the previous version's beside them. */
export async function entryProfiles(project: Project, name: string, version: number): Promise<ProfileView[]> {
  const entry = await entryNamed(project, name);
  const include = entry.include ? globMatcher(entry.include) : () => true;
  const v = resolveRef(project, entry.artifact, String(version));
  const reportRef = latestReports(project, entry).get(version)?.reference ?? null;
  const refNumber = reportRef ?? (version > 1 ? version - 1 : null);
  const ref = refNumber ? resolveRef(project, entry.artifact, String(refNumber)) : null;
  const current = await versionProfiles(project, v, include);
  const before = ref ? new Map((await versionProfiles(project, ref, include)).map((p) => [p.path, p])) : null;
  return current.map((p) => ({
    path: p.path,
    profile: p.profile,
    error: p.error,
    reference: before?.get(p.path)?.profile ?? null,
    referenceVersion: before?.has(p.path) ? ref!.number : null,
  }));
}
