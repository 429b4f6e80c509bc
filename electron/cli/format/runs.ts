import type { RunDetail, RunSummary, StageRun } from '../../../shared/api/runs.js';
import { describeCodeState } from '../../../shared/code-state.js';
import { formatDuration } from '../../../shared/format.js';

export const runDuration = (r: RunSummary) => formatDuration((r.endedAt ?? Date.now()) - r.startedAt);

const num = (v: number) =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
    ? v.toExponential(3)
    : String(Number(v.toPrecision(4)));

export function runLine(r: RunSummary): string {
  const metrics = Object.entries(r.metrics)
    .slice(0, 4)
    .map(([k, v]) => `${k}=${num(v)}`)
    .join(' ');
  const started = new Date(r.startedAt).toISOString().slice(0, 19).replace('T', ' ');
  return `${r.id}  ${r.status.padEnd(11)} ${started}  ${runDuration(r).padStart(9)}  ${r.name}${metrics ? `  ${metrics}` : ''}`;
}

export function stageLine(s: StageRun): string {
  const took = s.startedAt !== null && s.endedAt !== null ? formatDuration(s.endedAt - s.startedAt) : '';
  const exit = s.exitCode !== null ? ` exit ${s.exitCode}` : s.signal ? ` ${s.signal}` : '';
  return `  ${s.stage.padEnd(16)} ${s.status.padEnd(11)} ${took.padStart(9)}${exit}  ${s.reason}${s.logDropped ? `  (output truncated: ${s.logDropped} bytes not stored)` : ''}`;
}

export function runText(r: RunDetail): string[] {
  const lines = [
    `run ${r.id}  ${r.name}`,
    `  status:    ${r.status}${r.error ? ` (${r.error})` : ''}`,
    `  started:   ${new Date(r.startedAt).toISOString()}   duration ${runDuration(r)}`,
    `  kind:      ${r.kind}${r.pipelineHash ? `   pipeline ${r.pipelineHash.slice(0, 12)}` : ''}`,
  ];
  const code = describeCodeState(r.code);
  lines.push(`  code:      ${code.headline}`, ...code.details.map((d) => `             ${d}`));
  if (r.stages.length) lines.push('stages:', ...r.stages.map(stageLine));
  const params = Object.entries(r.params);
  if (params.length)
    lines.push(
      'params:',
      ...params.map(([k, v]) => `  ${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`),
    );
  if (r.metricInfo.length)
    lines.push(
      'metrics:',
      ...r.metricInfo.map(
        (m) =>
          `  ${m.key} = ${num(m.value)}  (step ${m.step}, ${m.count} points, min ${num(m.min)}, max ${num(m.max)})`,
      ),
    );
  if (r.versions.length)
    lines.push(
      'versions:',
      ...r.versions.map(
        (v) =>
          `  ${v.role === 'in' ? 'read ' : v.kept ? 'kept ' : 'wrote'} ${v.artifact}@${v.version}  ${v.path}${v.stage ? `  (${v.stage}${v.kept ? ', up to date' : ''})` : ''}`,
      ),
    );
  const tags = Object.entries(r.tags);
  if (tags.length) lines.push(`tags: ${tags.map(([k, v]) => (v ? `${k}=${v}` : k)).join(', ')}`);
  if (r.note) lines.push('note:', ...r.note.split('\n').map((l) => `  ${l}`));
  if (r.skippedLines || r.nonFiniteValues)
    lines.push(
      `skipped: ${r.skippedLines} invalid tracking/metrics lines, ${r.nonFiniteValues} NaN/Inf values`,
    );
  return lines;
}
