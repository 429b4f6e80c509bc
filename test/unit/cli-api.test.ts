import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { withEngine, withProject } from '../../electron/cli/api.js';
import { Project } from '../../electron/core/project/project.js';
import { StrataError } from '../../shared/errors.js';
import { tempDir } from '../helpers/cli.js';

// The CLI's door to the engine: contract calls, jobs waited for, and nothing a long-running host does.
const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((c) => c());
  delete process.env.STRATA_HOME;
});

function project(): string {
  const home = tempDir('strata-home-');
  const dir = tempDir();
  cleanups.push(home.cleanup, dir.cleanup);
  process.env.STRATA_HOME = home.dir;
  Project.init(dir.dir).close();
  return dir.dir;
}

describe('the CLI door', () => {
  it('waits for a job a call started and returns its result; a failed job throws its error', async () => {
    const root = project();
    fs.writeFileSync(path.join(root, 'a.txt'), 'hello');
    const version = await withProject({ project: root }, async (api) =>
      api.job<{ version: number; created: boolean }>(await api.call('artifacts.add', { path: 'a.txt' })),
    );
    expect(version).toMatchObject({ version: 1, created: true });
    const failed = await withProject({ project: root }, async (api) =>
      api.job(await api.call('artifacts.add', { path: 'missing.txt' })).catch((e: unknown) => e),
    );
    expect(failed).toBeInstanceOf(StrataError);
    expect((failed as StrataError).message).toMatch(/does not exist/);
  });

  it('validates params with the contract, and names the field', async () => {
    const root = project();
    const err = await withProject({ project: root }, (api) =>
      api.call('artifacts.tag', { artifact: 'data', ref: '', alias: 'x' }).catch((e: unknown) => e),
    );
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('ref') });
  });

  it('starts no background service and leaves the recent list alone', async () => {
    const root = project();
    fs.mkdirSync(path.join(root, 'data'));
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      'artifacts:\n  data:\n    path: data\n    kind: dataset\n    watch: true\n',
    );
    await withProject({ project: root }, async (api) => {
      // A long-running host would be watching data/ by now.
      await new Promise((r) => setTimeout(r, 300));
      expect(await api.call('artifacts.watchStatus', {})).toMatchObject({ mode: 'off' });
      expect(await api.call('recent.list', {})).toEqual([]);
    });
    await withEngine(async (api) => expect(await api.call('project.current', {})).toBeNull());
  });
});
