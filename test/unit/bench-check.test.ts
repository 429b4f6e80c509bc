import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
const report = JSON.stringify(path.join(repoRoot, 'test/bench/report.ts'));
fs.writeFileSync(
  path.join(t.dir, 'fast.ts'),
  `import { figure } from ${report};
figure({ name: 'fast thing', value: 10, unit: 'ms', comparator: { label: 'bare loop', value: 8 }, targets: [{ on: 'value', op: '<=', limit: 20 }] });`,
);
fs.writeFileSync(
  path.join(t.dir, 'slow.ts'),
  `import { figure } from ${report};
figure({ name: 'slow thing', value: 3, unit: 's', comparator: { label: 'cp -r', value: 1 }, targets: [{ on: 'ratio', op: '<=', limit: 2 }] });`,
);

function bench(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/bench.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, STRATA_BENCH_DIR: t.dir },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run bench', () => {
  it('lists every figure beside its comparator and target, and with --check exits 1 on a missed target', () => {
    const checked = bench('--check');
    expect(checked.code).toBe(1);
    expect(checked.out).toContain(
      'fast: fast thing: 10.0 ms | comparator, bare loop: 8.00 ms (ratio 1.25×) | target ≤ 20.0 ms: PASS',
    );
    expect(checked.out).toContain(
      'slow: slow thing: 3.00 s | comparator, cp -r: 1.00 s (ratio 3.00×) | target ratio ≤ 2.00×: MISS',
    );
    expect(checked.out).toContain('2 of 2 benchmarks ran; 1 of 2 targets met');
    expect(checked.err).toContain('bench --check: 1 target missed');
    expect(bench().code).toBe(0);
    expect(bench('--check', 'fast').code).toBe(0);
    expect(bench('--chek').code).toBe(2);
  }, 60_000);
});
