import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-logged-');
afterAll(() => t.cleanup());

const step = `
const client = await import(process.env.STRATA_NODE_CLIENT);
import fs from 'node:fs';
fs.mkdirSync('reports', { recursive: true });
fs.writeFileSync('reports/confusion.json', JSON.stringify({ tp: 3, fp: 1 }));
client.logArtifact('reports/confusion.json');
client.logArtifact('reports/never-written.json');
client.logMetric('acc', 0.75);
client.endRun();
`;

describe('log_artifact from a step', () => {
  it('versions the logged file into the store as an output of the run, and names one that could not be', () => {
    const dir = path.join(t.dir, 'p');
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'eval.mjs'), step);
    fs.writeFileSync(
      path.join(dir, 'strata.yaml'),
      'stages:\n  evaluate:\n    cmd: node src/eval.mjs\n    deps: [src/eval.mjs]\n',
    );
    const run = runCli(['run', '--project', dir]);
    expect(run.code).toBe(0);
    const [summary] = JSON.parse(runCli(['runs', '--json', '--project', dir]).stdout);
    expect(summary.versions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'out',
          path: 'reports/confusion.json',
          stage: 'evaluate',
          version: 1,
        }),
      ]),
    );
    const shown = JSON.parse(runCli(['show', 'confusion@latest', '--json', '--project', dir]).stdout);
    expect(shown.version).toMatchObject({
      source: 'run',
      runId: summary.id,
      message: 'logged by stage evaluate',
    });
    const logs = runCli(['logs', summary.id, '--project', dir]);
    expect(logs.stdout + logs.stderr).toContain(
      'logged artifact reports/never-written.json was not versioned',
    );
  }, 120000);
});
