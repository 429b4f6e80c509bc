// Watching 100,000 files: time to ready and extra memory of @parcel/watcher (one inotify watch per
// folder) against chokidar (one per file), each in a fresh process (targets ≤ 3 s, ≤ 150 MB). Then
// Strata's own watcher on that tree: a burst of writes, timed from the LAST write to the new version.
// That time includes the settle period (the watcher waits until the artifact has been quiet that
// long), so the target is settle period + 1 s ("a new version at most 1 s after writes settle").
// Comparator: a bare @parcel/watcher subscription in the same process seeing the same last write,
// plus the settle period: the floor any settling watcher has.
//   STRATA_BENCH_WATCH_FILES=100000 node --import tsx test/bench/versioning-watch.ts
import parcelWatcher from '@parcel/watcher';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VersionedEvent } from '../../shared/api/artifacts.js';
import { figure, median, note, size } from './report.js';
import { engineModule } from './versioning-engine.js';

const FILES = size('STRATA_BENCH_WATCH_FILES', 100_000, 5_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-watch-'));
const { IGNORED_GLOBS } =
  await engineModule<typeof import('../../electron/core/project/ignored.js')>('project/ignored.js');

const probe = (kind: 'chokidar' | 'parcel', dir: string) => `
const before = process.memoryUsage().rss;
const t = performance.now();
${
  kind === 'chokidar'
    ? `const { watch } = await import('chokidar'); const w = watch(${JSON.stringify(dir)}, { ignoreInitial: true }); await new Promise((r) => w.on('ready', r));`
    : `const parcel = (await import('@parcel/watcher')).default; const w = await parcel.subscribe(${JSON.stringify(dir)}, () => {}, { ignore: ${JSON.stringify(IGNORED_GLOBS)} });`
}
const ready = performance.now() - t;
console.log(JSON.stringify({ ready, mb: (process.memoryUsage().rss - before) / 1e6 }));
process.exit(0);`;

function measure(kind: 'chokidar' | 'parcel', dir: string): { ready: number; mb: number } | null {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe(kind, dir)], {
    cwd: process.cwd(),
    encoding: 'utf8',
    timeout: 300000,
  });
  if (r.status !== 0) {
    console.log(`${kind}: failed (${r.stderr.trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(r.stdout.trim()) as { ready: number; mb: number };
}

try {
  const data = path.join(root, 'data');
  const block = Buffer.alloc(4096, 7);
  for (let i = 0; i < FILES; i++) {
    const sub = path.join(data, `d${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `${i}.bin`), block);
  }
  const parcel = measure('parcel', root);
  const chokidar = measure('chokidar', root);
  if (parcel) {
    figure({
      name: `@parcel/watcher ready on ${FILES} files`,
      value: parcel.ready / 1000,
      unit: 's',
      comparator: chokidar ? { label: 'chokidar, same tree', value: chokidar.ready / 1000 } : undefined,
      targets: [{ on: 'value', op: '<=', limit: 3 }],
    });
    figure({
      name: `@parcel/watcher extra memory on ${FILES} files`,
      value: parcel.mb,
      unit: 'MB',
      comparator: chokidar ? { label: 'chokidar, same tree', value: chokidar.mb } : undefined,
      targets: [{ on: 'value', op: '<=', limit: 150 }],
    });
  }

  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    'artifacts:\n  data:\n    path: data\n    kind: dataset\n    watch: true\n',
  );
  const { Engine } = await engineModule<typeof import('../../electron/core/engine.js')>('engine.js');
  const { SETTLE_MS } =
    await engineModule<typeof import('../../electron/core/watch/service.js')>('watch/service.js');
  const engine = new Engine();
  let onVersion: (() => void) | null = null;
  engine.subscribe((event, payload) => {
    if (event !== 'artifact.versioned' || (payload as VersionedEvent).artifact !== 'data') return;
    onVersion?.();
  });
  const next = () => new Promise<void>((r) => (onVersion = r));
  const t0 = performance.now();
  const first = next();
  engine.openProject(root);
  await first;
  note(
    `first version of the watched ${FILES} files recorded ${((performance.now() - t0) / 1000).toFixed(1)} s after opening`,
  );

  // The comparator's subscription: when the last write of a burst reaches a bare watcher.
  let lastName = '';
  let bareSeen = 0;
  const bare = await parcelWatcher.subscribe(data, (_err, events) => {
    if (events.some((e) => path.basename(e.path) === lastName)) bareSeen = performance.now();
  });
  const BURST = 5;
  const lags: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    const changed = next();
    bareSeen = 0;
    // A burst: BURST files 50 ms apart, as a training loop writing checkpoints would.
    for (let k = 0; k < BURST; k++) {
      lastName = `burst-${i}-${k}.bin`;
      fs.writeFileSync(path.join(data, 'd0', lastName), `changed ${i} ${k}`);
      if (k < BURST - 1) await new Promise((r) => setTimeout(r, 50));
    }
    const lastWrite = performance.now();
    await changed;
    lags.push((performance.now() - lastWrite) / 1000);
    floors.push((bareSeen - lastWrite + SETTLE_MS) / 1000);
  }
  await bare.unsubscribe();
  note(
    `last write of a ${BURST}-file burst → new version, 3 bursts: ${lags.map((l) => l.toFixed(2)).join(', ')} s; each includes the ${SETTLE_MS} ms settle period`,
  );
  figure({
    name: `last write → new version, settle period (${SETTLE_MS} ms) included, median of 3`,
    value: median(lags),
    unit: 's',
    comparator: {
      label: `bare @parcel/watcher event + the ${SETTLE_MS} ms settle period`,
      value: median(floors),
    },
    targets: [{ on: 'value', op: '<=', limit: SETTLE_MS / 1000 + 1 }],
  });
  engine.dispose();
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
