import os from 'node:os';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { GateOverride, GateReport, GateResult } from '../../../shared/api/gates.js';
import { StrataError } from '../../../shared/errors.js';
import type { Project } from '../project/project.js';
import { runSummary } from '../runs/repo.js';
import { findArtifact, latestVersion, requireArtifact, resolveRef, versionById } from '../store/repo.js';
import { loadAllGates, loadGates, type GateConfig } from './config.js';

export const CHAMPION = 'champion';

const fmt = (n: number) =>
  Number.isInteger(n)
    ? String(n)
    : Math.abs(n) < 1e-3
      ? n.toExponential(2)
      : n.toPrecision(6).replace(/\.?0+$/, '');

function metricsOf(project: Project, v: VersionInfo): Record<string, number> | null {
  return v.runId ? runSummary(project, v.runId).metrics : null;
}

function championOf(project: Project, artifact: string): VersionInfo | null {
  try {
    return resolveRef(project, artifact, CHAMPION);
  } catch (err) {
    if (err instanceof StrataError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
}

function keysMatching(pattern: string, metrics: Record<string, number>): string[] {
  if (!pattern.includes('*')) return [pattern];
  const rx = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
  return Object.keys(metrics)
    .filter((k) => rx.test(k))
    .sort();
}

function judge(
  gate: GateConfig,
  key: string,
  value: number | undefined,
  champion: { version: number; metrics: Record<string, number> | null } | null,
  lacking: string,
): GateResult[] {
  const out: GateResult[] = [];
  const base = { metric: key, where: gate.where, champion: champion?.metrics?.[key] ?? null };
  if (gate.min !== undefined || gate.max !== undefined) {
    const label = [
      gate.min !== undefined ? `${key} ≥ ${fmt(gate.min)}` : '',
      gate.max !== undefined ? `${key} ≤ ${fmt(gate.max)}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    if (value === undefined)
      out.push({
        ...base,
        label,
        kind: 'value',
        status: 'fail',
        value: null,
        message: `the run recorded no ${key}${lacking}`,
      });
    else {
      const ok =
        (gate.min === undefined || value >= gate.min) && (gate.max === undefined || value <= gate.max);
      out.push({
        ...base,
        label,
        kind: 'value',
        status: ok ? 'pass' : 'fail',
        value,
        message: `${key} = ${fmt(value)}; required ${label}`,
      });
    }
  }
  if (gate.change) {
    const c = gate.change;
    const better = c.direction === 'higher' ? 'higher' : 'lower';
    const parts = [
      c.absolute !== undefined ? `change ${c.direction === 'higher' ? '≥' : '≤'} ${fmt(c.absolute)}` : '',
      c.relative !== undefined
        ? `relative change ${c.direction === 'higher' ? '≥' : '≤'} ${fmt(c.relative * 100)}%`
        : '',
    ].filter(Boolean);
    const label = `${key} vs champion (${better} is better): ${parts.join(' and ')}`;
    const ref = base.champion;
    if (!champion)
      out.push({
        ...base,
        label,
        kind: 'change',
        status: 'pass',
        value: value ?? null,
        message: 'no champion yet: change thresholds pass for the first model',
      });
    else if (value === undefined)
      out.push({
        ...base,
        label,
        kind: 'change',
        status: 'fail',
        value: null,
        message: `the run recorded no ${key}${lacking}`,
      });
    else if (ref === null)
      out.push({
        ...base,
        label,
        kind: 'change',
        status: 'skipped',
        value,
        message: `the champion (version ${champion.version}) has no ${key} to compare with`,
      });
    else {
      const diff = value - ref;
      const rel = ref === 0 ? (diff === 0 ? 0 : Infinity * Math.sign(diff)) : diff / Math.abs(ref);
      const cmp = (x: number, t: number) => (c.direction === 'higher' ? x >= t : x <= t);
      const ok =
        (c.absolute === undefined || cmp(diff, c.absolute)) &&
        (c.relative === undefined || cmp(rel, c.relative));
      out.push({
        ...base,
        label,
        kind: 'change',
        status: ok ? 'pass' : 'fail',
        value,
        message: `${key} = ${fmt(value)} vs champion (version ${champion.version}) ${fmt(ref)}: change ${diff >= 0 ? '+' : ''}${fmt(diff)} (${rel >= 0 ? '+' : ''}${fmt(rel * 100)}%)`,
      });
    }
  }
  return out;
}

/** The run's metric names, for a message about one it lacks. */
function recorded(metrics: Record<string, number>): string {
  const keys = Object.keys(metrics).sort();
  if (keys.length === 0) return ' (it recorded no metrics)';
  return ` (it has ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? `, and ${keys.length - 8} more` : ''})`;
}

export function overridesOf(project: Project, versionId: number): GateOverride[] {
  return (
    project.db
      .prepare('SELECT alias, reason, who, at, failures FROM gate_overrides WHERE version_id = ? ORDER BY id')
      .all(versionId) as { alias: string; reason: string; who: string; at: string; failures: string }[]
  ).map((r) => ({ ...r, failures: JSON.parse(r.failures) as GateResult[] }));
}

/** A version judged by its artifact's gates: its run's metrics, per slice too, against the champion's. */
export function checkGates(
  project: Project,
  version: VersionInfo,
  gates = loadGates(project, version.artifact),
): GateReport {
  const champ = championOf(project, version.artifact);
  const report: GateReport = {
    artifact: version.artifact,
    version: version.number,
    runId: version.runId,
    champion: champ?.number ?? null,
    status: 'none',
    gates: [],
    overrides: overridesOf(project, version.id),
  };
  if (gates.length === 0) return report;
  const metrics = metricsOf(project, version);
  if (!metrics) {
    report.status = 'error';
    report.gates = gates.map((g) => ({
      metric: g.metric,
      label: g.metric,
      kind: g.change ? 'change' : 'value',
      status: 'error',
      value: null,
      champion: null,
      message: `${version.artifact}@${version.number} was not recorded by a run, so it has no metrics to judge`,
      where: g.where,
    }));
    return report;
  }
  const champion = champ ? { version: champ.number, metrics: metricsOf(project, champ) } : null;
  for (const g of gates) {
    const keys = keysMatching(g.metric, metrics);
    if (keys.length === 0)
      report.gates.push({
        metric: g.metric,
        label: g.metric,
        kind: g.change ? 'change' : 'value',
        status: 'fail',
        value: null,
        champion: null,
        message: `the run recorded no metric matching ${g.metric}${recorded(metrics)}`,
        where: g.where,
      });
    for (const k of keys) report.gates.push(...judge(g, k, metrics[k], champion, recorded(metrics)));
  }
  report.status = report.gates.some((g) => g.status === 'fail' || g.status === 'error') ? 'fail' : 'pass';
  return report;
}

export function failureText(report: GateReport): string {
  return report.gates
    .filter((g) => g.status === 'fail' || g.status === 'error')
    .map((g) => `${g.label}: ${g.message}`)
    .join('; ');
}

/**
 * The check every promotion to champion (and every deploy) goes through: a version failing its gates
 * is refused with each failing gate and its values, unless an override reason is given, which is
 * recorded with who and when.
 */
export function requireGates(
  project: Project,
  version: VersionInfo,
  alias: string,
  override: string | undefined,
): GateReport {
  const report = checkGates(project, version);
  if (report.status === 'pass' || report.status === 'none') return report;
  if (!override?.trim())
    throw new StrataError(
      'GATE_FAILED',
      `${version.artifact}@${version.number} fails its gates, so it cannot become ${alias}: ${failureText(report)}. Promote anyway with --override "<reason>".`,
      { details: report },
    );
  project.db
    .prepare('INSERT INTO gate_overrides (version_id, alias, reason, who, failures) VALUES (?, ?, ?, ?, ?)')
    .run(
      version.id,
      alias,
      override.trim(),
      whoAmI(),
      JSON.stringify(report.gates.filter((g) => g.status !== 'pass')),
    );
  return { ...report, overrides: overridesOf(project, version.id) };
}

function whoAmI(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${os.hostname()}`;
  }
}

export function gatesOfArtifact(project: Project, artifact: string): GateReport[] {
  const a = requireArtifact(project, artifact);
  const gates = loadGates(project, artifact);
  const ids = project.db
    .prepare('SELECT id FROM versions WHERE artifact_id = ? ORDER BY number DESC')
    .pluck()
    .all(a.id) as number[];
  return ids.map((id) => checkGates(project, versionById(project, id), gates));
}

/** Each artifact with gates: its latest version judged, beside the champion's values (the Validation screen). */
export function gatesOverview(project: Project): GateReport[] {
  const out: GateReport[] = [];
  for (const [artifact, gates] of loadAllGates(project)) {
    const a = findArtifact(project, artifact);
    const latest = a ? latestVersion(project, a.id) : null;
    if (latest) out.push(checkGates(project, latest, gates));
  }
  return out;
}
