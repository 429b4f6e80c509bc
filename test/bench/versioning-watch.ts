// Watching 100,000 files: time to ready and extra memory of chokidar (one inotify watch per file)
// against @parcel/watcher (one per folder), each in a fresh process; then Strata's own watcher on
// that tree: how long after writes settle a change shows as a new version (target ≤ 1 s; readiness
// target ≤ 3 s and ≤ 150 MB).
//   STRATA_BENCH_WATCH_FILES=100000 node --import tsx test/bench/versioning-watch.ts
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VersionedEvent } from '../../shared/api/artifacts.js';
import { engineModule } from './versioning-engine.js';

const FILES = Number(process.env.STRATA_BENCH_WATCH_FILES ?? 100_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-watch-'));

const probe = (kind: 'chokidar' | 'parcel', dir: string) => `
const before = process.memoryUsage().rss;
const t = performance.now();
${
  kind === 'chokidar'
    ? `const { watch } = await import('chokidar'); const w = watch(${JSON.stringify(dir)}, { ignoreInitial: true }); await new Promise((r) => w.on('ready', r));`
    : `const parcel = (await import('@parcel/watcher')).default; const w = await parcel.subscribe(${JSON.stringify(dir)}, () => {}, { ignore: ['.git', 'node_modules', '.strata'] });`
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
  if (parcel)
    console.log(
      `@parcel/watcher on ${FILES} files: ready ${(parcel.ready / 1000).toFixed(2)} s, +${parcel.mb.toFixed(0)} MB (targets ≤ 3 s, ≤ 150 MB)`,
    );
  if (chokidar)
    console.log(
      `chokidar on ${FILES} files: ready ${(chokidar.ready / 1000).toFixed(2)} s, +${chokidar.mb.toFixed(0)} MB`,
    );
  if (parcel && chokidar)
    console.log(
      `chokidar / parcel: ready ${(chokidar.ready / parcel.ready).toFixed(1)}×, memory ${(chokidar.mb / Math.max(parcel.mb, 1)).toFixed(1)}×`,
    );

  fs.writeFileSync(
    path.join(root, 'strata.yaml'),
    'artifacts:\n  data:\n    path: data\n    kind: dataset\n    watch: true\n',
  );
  const { Engine } = await engineModule<typeof import('../../electron/core/engine.js')>('engine.js');
  const engine = new Engine();
  const seen: VersionedEvent[] = [];
  let onVersion: (() => void) | null = null;
  engine.subscribe((event, payload) => {
    if (event !== 'artifact.versioned') return;
    seen.push(payload as VersionedEvent);
    onVersion?.();
  });
  const next = () => new Promise<void>((r) => (onVersion = r));
  const t0 = performance.now();
  const first = next();
  engine.openProject(root);
  await first;
  console.log(
    `first version of the watched ${FILES} files recorded ${((performance.now() - t0) / 1000).toFixed(1)} s after opening`,
  );
  const settleMs = 300;
  const lags: number[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    const changed = next();
    fs.writeFileSync(path.join(data, 'd7', `${7000 + i}.bin`), `changed ${i}`);
    const wrote = performance.now();
    await changed;
    lags.push(performance.now() - wrote - settleMs);
  }
  console.log(
    `change → new version, after the ${settleMs} ms settle period: ${lags.map((l) => (l / 1000).toFixed(2)).join(', ')} s (target ≤ 1 s)`,
  );
  engine.dispose();
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
