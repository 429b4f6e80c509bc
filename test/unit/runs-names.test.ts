import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeProject, type Fixture } from './runs-fixture.js';

let fx: Fixture | null = null;
afterEach(() => {
  fx?.cleanup();
  fx = null;
});

describe('a pipeline run nobody named', () => {
  it('is named by what it ran, its number, and the params that changed since the previous one', () => {
    fx = makeProject('stages:\n  train:\n    cmd: node -e "1"\n    params: [train.lr, train.depth, seed]\n', {
      'params.yaml': 'train:\n  lr: 0.1\n  depth: 4\nseed: 1\n',
    });
    const names = () =>
      (JSON.parse(runCli(['runs', '--json', '--project', fx!.dir]).stdout) as { name: string }[]).map(
        (r) => r.name,
      );
    expect(runCli(['run', '--project', fx.dir]).code).toBe(0);
    fs.writeFileSync(path.join(fx.dir, 'params.yaml'), 'train:\n  lr: 0.05\n  depth: 4\nseed: 1\n');
    expect(runCli(['run', '--project', fx.dir]).code).toBe(0);
    fs.writeFileSync(path.join(fx.dir, 'params.yaml'), 'train:\n  lr: 0.01\n  depth: 8\nseed: 2\n');
    expect(runCli(['run', '--project', fx.dir]).code).toBe(0);
    expect(runCli(['run', 'train', '--force', '--name', 'mine', '--project', fx.dir]).code).toBe(0);
    expect(names()).toEqual([
      'mine',
      'pipeline #3 · lr=0.01, depth=8 +1',
      'pipeline #2 · lr=0.05',
      'pipeline #1',
    ]);
  }, 180000);
});
