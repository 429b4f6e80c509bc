import type { Reproduction } from '../../../shared/api/review.js';
import type { RunDetail } from '../../../shared/api/runs.js';
import { describeCodeState } from '../../../shared/code-state.js';
import { parseSpec } from '../../../shared/version-spec.js';
import { StrataError } from '../../../shared/errors.js';
import { history } from '../deploy/records.js';
import { listMonitors } from '../drift/monitor.js';
import { checkGates } from '../gates/evaluate.js';
import { readSeries } from '../metrics/series.js';
import type { Project } from '../project/project.js';
import { latestReproduction } from '../reproduce/reproduce.js';
import {
  badge,
  heading,
  lineSvg,
  list,
  number,
  page,
  para,
  pre,
  raw,
  table,
  type Html,
} from '../report/html.js';
import { resolveRunId, runDetail } from '../runs/repo.js';
import { diffVersions } from '../store/diff.js';
import { resolveRef, versionById } from '../store/repo.js';

/** Buckets per metric chart: the chart's width in points, whatever the series' length. */
const CHART_POINTS = 300;

const VERDICT_LABEL: Record<string, [string, string]> = {
  exact: ['pass', 'reproduced exactly'],
  'within-tolerance': ['warn', 'reproduced within tolerance'],
  'not-reproduced': ['fail', 'not reproduced'],
};

/** A run id (or prefix, or name), or artifact@version: the run that wrote that version. */
function targetRun(project: Project, target: string): { runId: string; via: string | null } {
  if (!target.includes('@')) return { runId: resolveRunId(project, target), via: null };
  const { artifact, ref } = parseSpec(target);
  const v = resolveRef(project, artifact, ref);
  if (!v.runId)
    throw new StrataError(
      'NOT_FOUND',
      `${artifact}@${v.number} was not written by a run (source: ${v.source}); review the run that used it instead`,
    );
  return { runId: v.runId, via: `${artifact}@${v.number}` };
}

function reproductionSection(r: Reproduction | null, runId: string): Html[] {
  const out: Html[] = [heading(2, 'Reproduction')];
  if (!r) return [...out, para(`Not reproduced yet: strata reproduce ${runId}`, 'muted')];
  const [cls, label] = r.verdict ? VERDICT_LABEL[r.verdict] : ['none', r.status];
  out.push(
    para(
      raw(
        `${badge(cls, label).html} <span class="muted">${r.status}${r.reproRunId ? `, reproduction run ${r.reproRunId}` : ''}, ${new Date(r.startedAt).toISOString()}${r.setupMs !== null ? `, set up in ${(r.setupMs / 1000).toFixed(2)} s` : ''}</span>`,
      ),
    ),
  );
  if (r.error) out.push(para(`Error: ${r.error}`));
  if (r.limits.length) {
    out.push(heading(3, 'Limits of this verdict'));
    out.push(
      list(
        r.limits.map((l) => `${l.fatal ? 'refused: ' : ''}${l.message}`),
        '',
      ),
    );
  }
  if (r.differences.length) {
    out.push(heading(3, 'Differences'));
    out.push(
      table(
        ['Category', 'What', 'Original', 'Reproduction', 'Note'],
        r.differences.map((d) => [d.category, d.subject, d.original, d.reproduced, d.note]),
      ),
    );
  }
  if (r.suggestions.length) out.push(heading(3, 'Suggestions'), list(r.suggestions, ''));
  if (r.outputs.length)
    out.push(
      heading(3, 'Outputs'),
      table(
        ['Stage', 'Path', 'Original', 'Reproduction', ''],
        r.outputs.map((o) => [
          o.stage,
          o.path,
          raw(`<code>${o.original?.slice(0, 16) ?? '–'}</code>`),
          raw(`<code>${o.reproduced?.slice(0, 16) ?? '–'}</code>`),
          badge(o.equal ? 'pass' : 'fail', o.equal ? 'same' : 'differs'),
        ]),
      ),
    );
  if (r.metrics.length)
    out.push(
      heading(3, 'Metrics compared'),
      table(
        ['Metric', 'Original', 'Reproduction', 'Largest difference', 'Points', 'Result'],
        r.metrics.map((m) => [
          m.key,
          m.original === null ? '–' : number(m.original),
          m.reproduced === null ? '–' : number(m.reproduced),
          m.maxDiff === null ? '–' : m.maxDiff.toPrecision(3),
          `${m.points.original} / ${m.points.reproduced}`,
          badge(
            m.result === 'equal' ? 'pass' : m.result === 'within' ? 'warn' : 'fail',
            m.result === 'within' ? 'within tolerance' : m.result,
          ),
        ]),
        [1, 2, 3],
      ),
    );
  return out;
}

function codeSection(run: RunDetail): Html[] {
  const c = describeCodeState(run.code);
  const out = [heading(2, 'Code'), para(c.headline), list(c.details, '')];
  if (run.git.diff) out.push(heading(3, 'Uncommitted change'), pre(run.git.diff));
  return out;
}

function environmentSection(env: Record<string, unknown> | null): Html[] {
  if (!env) return [heading(2, 'Environment'), para('Not recorded.', 'muted')];
  const o = (env.os ?? {}) as Record<string, unknown>;
  const cpu = (env.cpu ?? {}) as Record<string, unknown>;
  const rows: [string, string][] = [
    ['Python', String(env.python ?? 'not found')],
    ['Node', String(env.node ?? '')],
    ['OS', `${o.platform} ${o.release} ${o.arch}`],
    ['CPU', `${cpu.model} × ${cpu.count}`],
    ['Memory', `${Math.round(Number(env.memoryBytes ?? 0) / 2 ** 30)} GiB`],
  ];
  const locks = Object.entries((env.lockFiles ?? {}) as Record<string, { sha256: string; bytes: number }>);
  for (const [name, l] of locks)
    rows.push([`lock file ${name}`, `${l.sha256.slice(0, 16)} (${l.bytes} bytes)`]);
  const pip = (env.pipFreeze as string[] | null) ?? [];
  return [
    heading(2, 'Environment'),
    table(['', ''], rows),
    ...(pip.length
      ? [
          heading(3, `Python packages (${pip.length})`),
          raw(
            `<p><code>${pip.map((p) => p.replace(/&/g, '&amp;').replace(/</g, '&lt;')).join(' · ')}</code></p>`,
          ),
        ]
      : []),
  ];
}

async function dataSection(project: Project, run: RunDetail): Promise<Html[]> {
  const out: Html[] = [heading(2, 'Data and model versions')];
  if (!run.versions.length) return [...out, para('The run read and wrote no versioned artifact.', 'muted')];
  out.push(
    table(
      ['', 'Version', 'Path', 'Stage', 'Root hash'],
      run.versions.map((v) => [
        v.role === 'in' ? 'read' : 'wrote',
        `${v.artifact}@${v.version}`,
        v.path,
        v.stage,
        raw(`<code>${v.rootHash}</code>`),
      ]),
    ),
  );
  for (const v of run.versions) {
    const info = versionById(project, v.versionId);
    if (info.parent === null) continue;
    const before = resolveRef(project, info.artifact, String(info.parent));
    const d = await diffVersions(project, before, info);
    const lines = [
      `${d.added.length} files added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged`,
      ...[
        ...d.added.map((f) => `+ ${f.path}`),
        ...d.removed.map((f) => `- ${f.path}`),
        ...d.changed.map((f) => `~ ${f.path} (${f.sizeBefore} → ${f.sizeAfter} bytes)`),
      ].slice(0, 20),
      ...d.tabular.map(
        (t) =>
          `${t.path}: ${t.rowDelta === null ? '' : `${t.rowDelta >= 0 ? '+' : ''}${t.rowDelta} rows`}${t.addedColumns.length ? `, columns added ${t.addedColumns.join(', ')}` : ''}${t.removedColumns.length ? `, columns removed ${t.removedColumns.join(', ')}` : ''}${t.typeChanges.map((c) => `, ${c.column} ${c.from} → ${c.to}`).join('')}${t.error ? ` (${t.error})` : ''}`,
      ),
    ];
    out.push(heading(3, `${v.artifact}@${v.version} against @${info.parent}`), list(lines));
  }
  return out;
}

function metricsSection(project: Project, run: RunDetail): Html[] {
  const out: Html[] = [heading(2, 'Metrics')];
  if (!run.metricInfo.length) return [...out, para('No metrics were logged.', 'muted')];
  out.push(
    table(
      ['Metric', 'Final', 'Step', 'Points', 'Min', 'Max'],
      run.metricInfo.map((m) => [m.key, number(m.value), m.step, m.count, number(m.min), number(m.max)]),
      [1, 2, 3, 4, 5],
    ),
  );
  const charts = run.metricInfo
    .filter((m) => m.count > 1)
    .map((m) => {
      const s = readSeries(project.db, run.id, m.key, CHART_POINTS, 'step');
      return `<figure>${lineSvg(s.xs, s.ys, { mins: s.mins, maxs: s.maxs }).html}<figcaption>${m.key.replace(/&/g, '&amp;').replace(/</g, '&lt;')} (${s.total} points)</figcaption></figure>`;
    });
  if (charts.length) out.push(raw(`<div class="charts">${charts.join('')}</div>`));
  return out;
}

function checksSection(project: Project, run: RunDetail): Html[] {
  const out: Html[] = [heading(2, 'Validation and gates')];
  const reads = run.versions.filter((v) => v.role === 'in');
  const rows = project.db.prepare(
    'SELECT name, status, report, created_at FROM validation_reports WHERE version_id = ? ORDER BY id DESC',
  );
  const validation: (string | Html)[][] = [];
  for (const v of reads)
    for (const r of rows.all(v.versionId) as {
      name: string;
      status: string;
      report: string;
      created_at: string;
    }[]) {
      const c = (JSON.parse(r.report) as { counts: Record<string, number> }).counts;
      validation.push([
        `${v.artifact}@${v.version}`,
        r.name,
        badge(r.status),
        `${c.passed} passed, ${c.failed} failed, ${c.warned} warnings, ${c.errors} errors`,
        r.created_at,
      ]);
    }
  out.push(
    validation.length
      ? table(['Version', 'Rules', 'Status', 'Checks', 'When'], validation)
      : para('No validation report for the data this run read.', 'muted'),
  );
  const gates: (string | Html)[][] = [];
  for (const v of run.versions.filter((x) => x.role === 'out')) {
    let report;
    try {
      report = checkGates(project, versionById(project, v.versionId));
    } catch {
      continue;
    }
    if (report.status === 'none') continue;
    for (const g of report.gates)
      gates.push([`${v.artifact}@${v.version}`, g.label, badge(g.status), g.message]);
    for (const o of report.overrides)
      gates.push([
        `${v.artifact}@${v.version}`,
        `override for ${o.alias}`,
        badge('warn', 'override'),
        `${o.who}: ${o.reason}`,
      ]);
  }
  out.push(
    gates.length
      ? table(['Version', 'Gate', 'Status', 'Result'], gates)
      : para('No gates apply to what this run wrote.', 'muted'),
  );
  return out;
}

function deploymentsSection(project: Project, run: RunDetail): Html[] {
  const wrote = new Set(run.versions.filter((v) => v.role === 'out').map((v) => v.versionId));
  const rows = history(project).filter((d) => wrote.has(d.versionId));
  return [
    heading(2, 'Deployments'),
    rows.length
      ? table(
          ['Target', 'Version', 'Status', 'Action', 'Started', 'Ended', 'By', 'Message'],
          rows.map((d) => [
            d.target,
            `${d.model}@${d.version}`,
            badge(d.status === 'active' ? 'pass' : d.status === 'failed' ? 'fail' : 'none', d.status),
            d.action,
            d.startedAt,
            d.endedAt ?? '–',
            d.who,
            d.message ?? '',
          ]),
        )
      : para('Nothing this run wrote has been deployed.', 'muted'),
  ];
}

function driftSection(project: Project): Html[] {
  const monitors = listMonitors(project);
  if (!monitors.length) return [heading(2, 'Drift'), para('No drift monitors in this project.', 'muted')];
  return [
    heading(2, 'Drift'),
    table(
      ['Monitor', 'Reference', 'Windows', 'Status', 'Drifted columns', 'Last read'],
      monitors.map((m) => [
        m.name,
        m.reference,
        m.windows,
        m.error ? badge('error') : badge(m.alert ? 'fail' : 'pass', m.alert ? 'drift' : 'no drift'),
        m.driftedColumns.join(', ') || '–',
        m.lastRunAt ?? 'never',
      ]),
      [2],
    ),
  ];
}

/**
 * The review of a run as one self-contained HTML file: code, environment, params, data versions with
 * their content diffs, metrics with charts, validation, gates, drift and the reproduction's verdict.
 */
export async function reviewHtml(
  project: Project,
  target: string,
): Promise<{ html: string; fileName: string }> {
  const { runId, via } = targetRun(project, target);
  const run = runDetail(project, runId);
  const repro = latestReproduction(project, runId);
  const params = Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b));
  const body: Html[] = [
    ...reproductionSection(repro, run.id),
    ...codeSection(run),
    ...environmentSection(run.environment),
    heading(2, 'Params'),
    params.length
      ? table(
          ['Param', 'Value'],
          params.map(([k, v]) => [k, JSON.stringify(v)]),
        )
      : para('No params.', 'muted'),
    ...(await dataSection(project, run)),
    ...metricsSection(project, run),
    ...checksSection(project, run),
    ...driftSection(project),
    ...deploymentsSection(project, run),
  ];
  const subtitle = `${via ? `${via} was written by ` : ''}run ${run.id} · ${run.status} · ${new Date(run.startedAt).toISOString()} · ${project.name}`;
  return {
    html: page(`Review of ${run.name}`, subtitle, body),
    fileName: `review-${via ? via.replace('@', '-') : run.id}.html`,
  };
}
