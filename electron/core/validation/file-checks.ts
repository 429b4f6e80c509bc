import path from 'node:path';
import type { CheckResult } from '../../../shared/api/validation.js';
import { SAMPLE_ROWS } from '../../../shared/api/validation.js';
import type { VersionFile } from '../stats/version-files.js';
import { checkKind, type ValidationEntry } from './rules.js';

const within = (n: number, b: { min?: number; max?: number }) =>
  (b.min === undefined || n >= b.min) && (b.max === undefined || n <= b.max);

/** File-level rules of an entry (count, sizes, extensions, required names) over the files it covers. */
export function fileChecks(entry: ValidationEntry, files: VersionFile[]): CheckResult[] {
  const out: CheckResult[] = [];
  entry.rules.forEach((rule, i) => {
    const kind = checkKind(rule);
    const base = {
      rule: i,
      kind,
      column: null,
      severity: rule.severity,
      where: entry.where(i),
      observed: null,
      expected: null,
    };
    const result = (
      label: string,
      bad: { path: string; size?: number }[],
      total: number,
      message: string,
    ): CheckResult => ({
      ...base,
      label: rule.name ?? label,
      status: bad.length ? 'fail' : 'pass',
      failing: bad.length,
      total,
      message,
      samples: bad.slice(0, SAMPLE_ROWS).map((b, j) => ({ row: j + 1, values: b })),
    });
    if (kind === 'file_count') {
      const b = rule.file_count!;
      const ok = within(files.length, b);
      out.push({
        ...result(`file count ${b.min ?? 0}..${b.max ?? '∞'}`, [], 1, `${files.length} files`),
        status: ok ? 'pass' : 'fail',
        failing: ok ? 0 : 1,
        observed: files.length,
      });
    } else if (kind === 'file_size') {
      const b = rule.file_size!;
      const bad = files.filter((f) => !within(f.size, b)).map((f) => ({ path: f.path, size: f.size }));
      out.push(
        result(
          `file sizes ${b.min ?? 0}..${b.max ?? '∞'} bytes`,
          bad,
          files.length,
          `${bad.length} of ${files.length} files outside the size bounds`,
        ),
      );
    } else if (kind === 'extensions') {
      const allowed = rule.extensions!.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase());
      const bad = files
        .filter((f) => !allowed.includes(path.posix.extname(f.path).toLowerCase()))
        .map((f) => ({ path: f.path }));
      out.push(
        result(
          `extensions ${allowed.join(', ')}`,
          bad,
          files.length,
          `${bad.length} of ${files.length} files have another extension`,
        ),
      );
    } else if (kind === 'required_files') {
      const have = new Set(files.map((f) => f.path));
      const bad = rule.required_files!.filter((p) => !have.has(p)).map((p) => ({ path: p }));
      out.push(
        result(
          `required files ${rule.required_files!.join(', ')}`,
          bad,
          rule.required_files!.length,
          bad.length ? `missing ${bad.map((b) => b.path).join(', ')}` : 'all present',
        ),
      );
    }
  });
  return out;
}
