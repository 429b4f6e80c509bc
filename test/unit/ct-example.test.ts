// The whole loop on a copy of the example project: a new CSV is versioned by the watcher, validated,
// the real pipeline retrains, gates pass, the champion moves and the folder target serves the new
// model; a CSV failing validation and a target that is down leave champion and deployment as they were.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/core/engine.js';
import { startWatching } from '../../electron/core/watch/service.js';
import { ctService } from '../../electron/core/ct/service.js';
import { ctLoopFor } from '../../electron/core/ct/loop.js';
import type { CtCycle } from '../../shared/api/ct.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

const t = tempDir('strata-ct-example-');
const root = path.join(t.dir, 'churn');
let engine: Engine;
afterAll(async () => {
  await engine?.shutdown();
  t.cleanup();
});

const POLICY = `
validations:
  customers:
    rules:
      - { column: tenure_months, min: 0 }
gates:
  model:
    - { metric: "*accuracy", min: 0.5 }
targets:
  shelf: { type: folder, path: shelf }
  down: { type: command, run: "echo the registry is down >&2; exit 3" }
ct:
  datasets: [customers]
  model: model
  promote: champion
  deploy: [shelf]
`;

async function nextCycle(after: number): Promise<CtCycle> {
  const end = Date.now() + 150000;
  for (;;) {
    const [c] = await engine.invoke('ct.cycles', { limit: 1 });
    if (c && c.id > after && !['running', 'waiting'].includes(c.status)) return c;
    if (Date.now() > end) throw new Error(`no cycle after ${after}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const championNow = async () =>
  (await engine.invoke('artifacts.versions', { artifact: 'model' })).versions.find((v) =>
    v.aliases.includes('champion'),
  )?.number;
const serving = () => fs.readlinkSync(path.join(root, 'shelf', 'current'));
const csv = path.join(root, 'data', 'customers.csv');

describe('continuous training on the example project', () => {
  it('new CSV → version → validate → retrain → gates → promote → deploy; bad CSV and a down target change nothing', async () => {
    fs.cpSync(path.join(repoRoot, 'resources/examples/tabular'), root, { recursive: true });
    fs.mkdirSync(path.join(root, 'shelf'));
    fs.appendFileSync(path.join(root, 'strata.yaml'), POLICY);
    engine = new Engine({
      services: [(p, e) => startWatching(p, e, { settleMs: 300 }), ctService],
      rememberRecent: false,
    });
    engine.openProject(root);

    const first = await nextCycle(0);
    expect(first.status, first.outcome ?? '').toBe('succeeded');
    expect(serving()).toBe('model@1');

    // a new month of customers: the same table with 200 more rows
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    const more = lines.slice(1, 201).map((l, i) => l.replace(/^\d+/, String(5000 + i)));
    const tmp = `${csv}.part`;
    fs.writeFileSync(tmp, [...lines, ...more].join('\n') + '\n');
    fs.renameSync(tmp, csv);
    const written = Date.now();
    const second = await nextCycle(first.id);
    expect(second.status, second.outcome ?? '').toBe('succeeded');
    expect(second.trigger).toBe('dataset');
    expect(second.reason).toBe('customers@2');
    expect(second.steps.map((s) => [s.name, s.status])).toEqual([
      ['validate', 'passed'],
      ['run', 'passed'],
      ['evaluate', 'passed'],
      ['gates', 'passed'],
      ['promote', 'passed'],
      ['deploy', 'passed'],
    ]);
    expect(second.version).toBe(2);
    expect(await championNow()).toBe(2);
    expect(serving()).toBe('model@2');
    const deployEnd = Date.parse(second.steps[5].startedAt!) + (second.steps[5].durationMs ?? 0) - written;
    const runMs = second.steps[1].durationMs ?? 0;
    console.log(
      `CT: settled CSV -> serving in ${(deployEnd / 1000).toFixed(2)} s, of which the pipeline ran ${(runMs / 1000).toFixed(2)} s (CT overhead ${((deployEnd - runMs) / 1000).toFixed(2)} s)`,
    );

    // a CSV with a negative tenure stops at validation
    fs.writeFileSync(csv, [...lines, '9999,-4,20.5,1,month-to-month,0'].join('\n') + '\n');
    const third = await nextCycle(second.id);
    expect(third.status).toBe('failed');
    expect(third.step).toBe('validate');
    expect(third.outcome).toMatch(/validation fail: customers on customers@3/);
    expect(await championNow()).toBe(2);
    expect(serving()).toBe('model@2');

    // a target that is down: the deploy fails after the promotion, which is put back
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      fs.readFileSync(path.join(root, 'strata.yaml'), 'utf8').replace('deploy: [shelf]', 'deploy: [down]'),
    );
    engine.requireProject().reloadConfig();
    fs.writeFileSync(csv, [...lines, ...more.slice(0, 100)].join('\n') + '\n');
    const fourth = await nextCycle(third.id);
    expect(fourth.status).toBe('failed');
    expect(fourth.steps.map((s) => s.status)).toEqual([
      'passed',
      'passed',
      'passed',
      'passed',
      'passed',
      'failed',
    ]);
    expect(fourth.steps[5].message).toMatch(/deploy to down failed: .*exit|deploy to down failed/);
    expect(await championNow()).toBe(2);
    expect(serving()).toBe('model@2');
    await ctLoopFor(engine.requireProject(), engine).idle();
  }, 400000);
});
