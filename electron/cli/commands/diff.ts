import type { TabularChange } from '../../../shared/api/artifacts.js';
import type { Command, Io } from '../command.js';
import { jsonFlag, printJson } from '../command.js';
import { UsageError } from '../args.js';
import { projectFlag, withProject } from '../api.js';
import { formatBytes } from '../format/versions.js';

const size = (n: number | null) => (n === null ? '-' : formatBytes(n));

function printTabular(io: Io, t: TabularChange, file: string): void {
  io.out(`table ${JSON.stringify(t.path || file)}:`);
  if (t.error) io.out(`  could not read: ${t.error}`);
  if (t.before && t.after)
    io.out(`  rows ${t.before.rows} -> ${t.after.rows} (${t.rowDelta! >= 0 ? '+' : ''}${t.rowDelta})`);
  else io.out(`  rows ${t.before?.rows ?? '-'} -> ${t.after?.rows ?? '-'}`);
  for (const c of t.addedColumns) io.out(`  + column ${c}`);
  for (const c of t.removedColumns) io.out(`  - column ${c}`);
  for (const c of t.typeChanges) io.out(`  ~ column ${c.column}: ${c.from} -> ${c.to}`);
  const old = new Map((t.before?.columns ?? []).map((c) => [c.name, c]));
  for (const c of t.after?.columns ?? []) {
    const o = old.get(c.name);
    const num = (v: number | null) => (v === null ? '-' : Number(v.toPrecision(6)).toString());
    const describe = (s: typeof c) =>
      `${s.type} nulls ${s.nulls} distinct ${s.distinct}${s.distinctCapped ? '+' : ''}${s.mean !== null ? ` min ${num(s.min)} max ${num(s.max)} mean ${num(s.mean)}` : ''}`;
    const now = describe(c);
    const was = o ? describe(o) : null;
    if (was !== now) io.out(`    ${c.name}: ${was ?? '(new)'}  ->  ${now}`);
  }
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'compare two versions: files, sizes, and the shape of tables (CSV, JSONL, Parquet)',
  usage: 'strata diff <artifact>@<ref> <artifact>@<ref> [--json]',
  flags: { ...projectFlag, ...jsonFlag },
  async run(args, io) {
    if (args.positional.length !== 2)
      throw new UsageError('strata diff takes two versions, e.g. data@1 data@2');
    return withProject(args.flags, async (api) => {
      const d = await api.call('artifacts.diff', { a: args.positional[0], b: args.positional[1] });
      const { a, b } = d;
      if (args.flags.json) {
        printJson(io, d);
        return 0;
      }
      io.out(
        `${a.artifact}@${a.number} -> ${b.artifact}@${b.number}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged`,
      );
      for (const f of d.added) io.out(`A  ${size(f.sizeAfter).padStart(9)}  ${JSON.stringify(f.path)}`);
      for (const f of d.removed) io.out(`D  ${size(f.sizeBefore).padStart(9)}  ${JSON.stringify(f.path)}`);
      for (const f of d.changed)
        io.out(`M  ${size(f.sizeBefore)} -> ${size(f.sizeAfter)}  ${JSON.stringify(f.path || d.paths.b)}`);
      for (const t of d.tabular) printTabular(io, t, d.paths.b);
      return 0;
    });
  },
};
