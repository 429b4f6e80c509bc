// Import of an MLflow file store (issue 16): an mlruns folder of 1,000 runs x 10 metrics x 1,000
// steps, written in MLflow's layout by the tests' fixture generator, imported into a fresh project
// (runs, params, tags, every point through the chunked metric store) <= 10 s. Comparator, in the same
// script: reading the same metric files and parsing every line in plain JavaScript (split, Number),
// storing nothing: the floor any importer pays. A second import of the unchanged folder (every run
// rewritten in place, no point doubled) is printed too.
//   node --import tsx test/bench/import.ts   (STRATA_BENCH_IMPORT_RUNS, STRATA_BENCH_IMPORT_STEPS)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeExperiment, writeRun, type FixturePoint } from '../helpers/mlflow-fixture.js';
import { figure, size } from './report.js';
import { engineModule } from './versioning-engine.js';

const { Project } =
  await engineModule<typeof import('../../electron/core/project/project.js')>('project/project.js');
const { importMlflow } =
  await engineModule<typeof import('../../electron/core/import/mlflow.js')>('import/mlflow.js');

const RUNS = size('STRATA_BENCH_IMPORT_RUNS', 1_000, 100);
const STEPS = size('STRATA_BENCH_IMPORT_STEPS', 1_000, 1_000);
const METRICS = 10;
const T0 = 1_700_000_000_000;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-import-'));
const mlruns = path.join(root, 'mlruns');
const projectDir = path.join(root, 'project');
fs.mkdirSync(projectDir);
fs.writeFileSync(path.join(projectDir, 'strata.yaml'), 'stages: {}\n');

try {
  writeExperiment(mlruns, { id: '1', name: 'bench' });
  for (let r = 0; r < RUNS; r++) {
    const metrics: Record<string, FixturePoint[]> = {};
    for (let m = 0; m < METRICS; m++)
      metrics[m < 5 ? `train/m${m}` : `m${m}`] = Array.from({ length: STEPS }, (_, i) => ({
        timestamp: T0 + r * 10_000 + i,
        value: Math.sin(i * 0.01 + r + m) * 0.5 + 0.5,
        step: i,
      }));
    writeRun(mlruns, {
      id: r.toString(16).padStart(32, '0'),
      experimentId: '1',
      name: `run-${r}`,
      status: 3,
      startTime: T0 + r * 10_000,
      endTime: T0 + r * 10_000 + STEPS,
      user: 'bench',
      params: { lr: String(0.001 * (r + 1)), depth: String(r % 10), optimizer: 'adam' },
      tags: { 'mlflow.runName': `run-${r}`, 'mlflow.user': 'bench' },
      metrics,
    });
  }
  const points = RUNS * METRICS * STEPS;

  const files: string[] = [];
  for (const run of fs.readdirSync(path.join(mlruns, '1'))) {
    const dir = path.join(mlruns, '1', run, 'metrics');
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true }))
      if (f.isFile()) files.push(path.join(f.parentPath, f.name));
  }
  let t = performance.now();
  let parsed = 0;
  for (const file of files) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const [ts, v, s] = line.split(' ');
      if (Number.isFinite(Number(ts) + Number(v) + Number(s))) parsed += 1;
    }
  }
  const parseSeconds = (performance.now() - t) / 1000;
  if (parsed !== points) throw new Error(`the comparator parsed ${parsed} points of ${points}`);

  const project = Project.open(projectDir);
  try {
    const ctx = { progress: () => undefined, checkCancelled: () => undefined };
    t = performance.now();
    const first = await importMlflow(project, { folder: mlruns }, ctx);
    const importSeconds = (performance.now() - t) / 1000;
    if (first.points !== points || first.created !== RUNS || first.problems.length)
      throw new Error(
        `imported ${first.created} runs, ${first.points} points, ${first.problems.length} problems`,
      );
    t = performance.now();
    const second = await importMlflow(project, { folder: mlruns }, ctx);
    const againSeconds = (performance.now() - t) / 1000;
    const stored = project.db.prepare('SELECT sum(n) FROM metric_chunks').pluck().get() as number;
    if (second.updated !== RUNS || stored !== points)
      throw new Error(`re-import updated ${second.updated} runs; ${stored} points stored`);

    const label = `${RUNS.toLocaleString('en-US')} runs x ${METRICS} metrics x ${STEPS.toLocaleString('en-US')} steps`;
    const comparator = {
      label: `reading and parsing the same ${files.length.toLocaleString('en-US')} metric files in plain JS (split, Number), nothing stored`,
      value: parseSeconds,
    };
    figure({
      name: `MLflow import of ${label}`,
      value: importSeconds,
      unit: 's',
      comparator,
      targets: [{ on: 'value', op: '<=', limit: 10 }],
    });
    figure({
      name: `MLflow re-import of the same folder (${label}, every run rewritten)`,
      value: againSeconds,
      unit: 's',
      comparator,
    });
  } finally {
    project.close();
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
