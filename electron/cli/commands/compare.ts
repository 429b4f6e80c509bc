import type { Command } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import type { DiffValue, RunDiff } from '../../../shared/api/compare.js';

function cell(v: DiffValue['values'][number]): string {
  if (v === null) return '–';
  return typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v);
}

/** A section of the diff as aligned columns; with `all` false only the keys whose values differ. */
function table(title: string, rows: Record<string, DiffValue>, all: boolean): string[] {
  const keys = Object.keys(rows)
    .filter((k) => all || rows[k].differs)
    .sort();
  if (!keys.length) return [];
  const width = Math.max(...keys.map((k) => k.length));
  return [
    title,
    ...keys.map(
      (k) => `  ${rows[k].differs ? '≠' : ' '} ${k.padEnd(width)}  ${rows[k].values.map(cell).join('  |  ')}`,
    ),
  ];
}

/**
 * The environment: what differs (packages one per line, interpreter, OS), and with `all` the other
 * keys too, except the packages every run has alike, which are counted rather than listed: a hundred
 * identical versions hide the one that matters.
 */
function environment(env: Record<string, DiffValue>, all: boolean): string[] {
  const same = new Set(Object.keys(env).filter((k) => k.startsWith('packages.') && !env[k].differs));
  const shown = Object.fromEntries(Object.entries(env).filter(([k]) => !same.has(k)));
  const lines = table('environment', shown, all);
  if (!all || same.size === 0) return lines;
  const note = `    ${same.size} package${same.size === 1 ? '' : 's'} the same in every run (--json lists them)`;
  return lines.length ? [...lines, note] : ['environment', note];
}

export function renderDiff(diff: RunDiff, all: boolean): string[] {
  const out = [`runs: ${diff.runs.map((r) => `${r.name} (${r.id}, ${r.status})`).join('  |  ')}`];
  out.push(
    ...table('params', diff.params, all),
    ...table('metrics', diff.metrics, all),
    ...table('tags', diff.tags, all),
    ...environment(diff.env, all),
  );
  const data = diff.data.map(
    (refs) =>
      refs
        .map((r) => `${r.role === 'in' ? 'read' : 'wrote'} ${r.artifact}@${r.version}`)
        .sort()
        .join(', ') || '–',
  );
  if (all || new Set(data).size > 1) out.push('data', ...data.map((d, i) => `  ${diff.runs[i].name}: ${d}`));
  const code = diff.code.map((c) =>
    c.unknown
      ? `code state unknown (${c.unknown})`
      : `${c.commit ? c.commit.slice(0, 12) : 'no git commit'}${c.dirty ? ' + uncommitted changes' : ''}`,
  );
  if (all || new Set(code).size > 1 || diff.code.some((c) => c.dirty))
    out.push('code', ...code.map((c, i) => `  ${diff.runs[i].name}: ${c}`));
  return out;
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'show how runs differ: params, metrics, tags, environment, data versions and code',
  usage: 'strata compare <run> <run> [run…] [--all] [--json]',
  description:
    'Runs are given by id, a unique id prefix, or name. Without --all only what differs is listed (marked ≠).',
  flags: { ...jsonFlag, ...projectFlag, all: { type: 'boolean', help: 'list the keys that are equal too' } },
  async run(args, io) {
    if (args.positional.length < 2) throw new UsageError('strata compare needs at least two runs');
    return withProject(args.flags, async (api) => {
      const diff = await api.call('compare.diff', { runIds: args.positional });
      if (args.flags.json) printJson(io, diff);
      else for (const line of renderDiff(diff, Boolean(args.flags.all))) io.out(line);
      return 0;
    });
  },
};
