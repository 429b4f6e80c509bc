import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const engine = (rel: string) => pathToFileURL(path.join(repoRoot, 'electron', 'core', rel)).href;

describe('a run whose step cannot start', () => {
  it('fails, and leaves nothing holding the process open (it exits by itself)', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    fs.writeFileSync(path.join(t.dir, 'strata.yaml'), 'stages:\n  s:\n    cmd: "true"\n');
    // A NUL byte in the environment makes spawn throw before the step exists.
    const script = path.join(t.dir, 'run.mts');
    fs.writeFileSync(
      script,
      `import { Project } from ${JSON.stringify(engine('project/project.ts'))};
import { startRun } from ${JSON.stringify(engine('pipeline/runner.ts'))};
const p = Project.init(${JSON.stringify(t.dir)});
const run = await startRun(p, { baseEnv: { ...process.env, BAD: 'a\\u0000b' } }).done;
console.log(run.status);
p.close();
`,
    );
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), script], {
      encoding: 'utf8',
      timeout: 30000,
      killSignal: 'SIGKILL',
    });
    expect(r.signal, `the process did not exit by itself: ${r.stdout}${r.stderr}`).toBeNull();
    expect(r.stdout.trim()).toBe('failed');
    expect(r.status).toBe(0);
  }, 40000);
});

describe('a metrics file that is a FIFO', () => {
  it('is not read: the run ends instead of blocking on it forever', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    fs.writeFileSync(
      path.join(t.dir, 'strata.yaml'),
      'stages:\n  s:\n    cmd: mkfifo m.json && echo 1 > n.json\n    metrics: [m.json, n.json]\n',
    );
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        path.join(repoRoot, 'electron/cli/main.ts'),
        'run',
        '--project',
        t.dir,
      ],
      // SIGKILL: a process blocked in a read never runs its SIGTERM handler.
      { encoding: 'utf8', timeout: 30000, killSignal: 'SIGKILL', cwd: t.dir },
    );
    expect(r.signal, `strata run did not finish: ${r.stdout}${r.stderr}`).toBeNull();
    expect(r.status, r.stderr).toBe(0);
  }, 40000);
});
