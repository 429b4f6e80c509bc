import { describe, it, expect, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { VersionedEvent, WatchStatus } from '../../shared/api/artifacts.js';
import { Engine } from '../../electron/core/engine.js';
import { Project } from '../../electron/core/project/project.js';
import { startWatching } from '../../electron/core/watch/service.js';
import { listVersions, requireArtifact, manifestText } from '../../electron/core/store/repo.js';
import { spawnSync } from 'node:child_process';
import { repoRoot, tempDir } from '../helpers/cli.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function projectDir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  fs.writeFileSync(
    path.join(t.dir, 'strata.yaml'),
    'artifacts:\n  logs:\n    path: data/logs\n    kind: dataset\n    watch: true\n  quiet:\n    path: data/quiet\n    kind: dataset\n',
  );
  fs.mkdirSync(path.join(t.dir, 'data/logs'), { recursive: true });
  fs.mkdirSync(path.join(t.dir, 'data/quiet'), { recursive: true });
  fs.writeFileSync(path.join(t.dir, 'data/logs/a.txt'), 'first');
  return t.dir;
}

function collect<T>(engine: Engine, name: string): T[] {
  const seen: T[] = [];
  const off = engine.subscribe((event, payload) => {
    if (event === name) seen.push(payload as T);
  });
  cleanups.push(off);
  return seen;
}

async function until<T>(fn: () => T | undefined | false, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('watching artifacts', () => {
  it('versions a watched artifact once writes settle (never half-written) and pushes artifact.versioned', async () => {
    const dir = projectDir();
    const engine = new Engine();
    cleanups.push(() => engine.dispose());
    const versioned = collect<VersionedEvent>(engine, 'artifact.versioned');
    const statuses = collect<WatchStatus>(engine, 'watch.status');
    engine.openProject(dir);
    const project = engine.requireProject();
    // At start, the watched artifact's current content is recorded.
    await until(() => versioned.find((e) => e.artifact === 'logs' && e.version.number === 1));
    expect(statuses.at(-1)).toMatchObject({ mode: 'native', artifacts: ['logs'], message: null });

    // A slow writer: chunks 100 ms apart, well inside the settle period, so no version sees half of it.
    const file = path.join(dir, 'data/logs/b.txt');
    for (let i = 0; i < 6; i++) {
      fs.appendFileSync(file, `chunk ${i}\n`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const settledAt = Date.now();
    const v2 = await until(() => versioned.find((e) => e.version.number === 2));
    expect(Date.now() - settledAt).toBeLessThan(5000);
    expect(v2.version.source).toBe('watch');
    expect(manifestText(project, v2.version.rootHash).entries).toContain(`"b.txt"`);
    expect(v2.version.fileCount).toBe(2);
    expect(v2.version.totalBytes).toBe(5 + fs.statSync(file).size);

    // Later checks follow the watcher's list of changed paths: a removal and a new folder with a file
    // in it are both found, and the files no event named keep their lines.
    fs.rmSync(path.join(dir, 'data/logs/a.txt'));
    fs.mkdirSync(path.join(dir, 'data/logs/sub/deeper'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data/logs/sub/deeper/c.txt'), 'c');
    const v3 = await until(() => versioned.find((e) => e.version.number === 3));
    expect(
      manifestText(project, v3.version.rootHash)
        .entries.split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ').pop()),
    ).toEqual(['"b.txt"', '"sub/deeper/c.txt"']);

    // Unwatched artifacts and ignored folders make no versions.
    fs.writeFileSync(path.join(dir, 'data/quiet/x.txt'), 'x');
    fs.mkdirSync(path.join(dir, 'data/logs/node_modules'));
    fs.writeFileSync(path.join(dir, 'data/logs/node_modules/dep.js'), 'x');
    await new Promise((r) => setTimeout(r, 1200));
    expect(versioned.map((e) => `${e.artifact}@${e.version.number}`)).toEqual(['logs@1', 'logs@2', 'logs@3']);
    expect(listVersions(project, requireArtifact(project, 'logs').id)).toHaveLength(3);
  });

  it('falls back to polling with a clear message when the system is out of inotify watches', async () => {
    const dir = projectDir();
    // The engine only carries events here: the project is opened without its own (native) watcher.
    const engine = new Engine();
    const project = Project.open(dir);
    cleanups.push(() => project.close());
    const statuses = collect<WatchStatus>(engine, 'watch.status');
    const versioned = collect<VersionedEvent>(engine, 'artifact.versioned');
    const enospc = Object.assign(new Error('inotify_add_watch on /x failed: No space left on device'), {
      code: 'ENOSPC',
    });
    const service = startWatching(project, engine, {
      pollMs: 200,
      settleMs: 100,
      subscribe: () => Promise.reject(enospc),
    });
    cleanups.push(() => service.dispose());
    await service.ready;
    expect(statuses.at(-1)).toMatchObject({ mode: 'polling', artifacts: ['logs'] });
    expect(statuses.at(-1)!.message).toMatch(/ran out of file watches.*max_user_watches/);
    // The current content is recorded first; the later change can only be found by polling.
    await until(() => versioned.length > 0);
    const before = versioned.length;
    fs.writeFileSync(path.join(dir, 'data/logs/late.txt'), 'seen by polling');
    const hit = await until(() =>
      versioned
        .slice(before)
        .find((e) => manifestText(project, e.version.rootHash).entries.includes('late.txt')),
    );
    expect(hit.version.source).toBe('watch');
    expect(hit.version.number).toBe(2);
  });

  it('lets the process exit after the project closes (no watcher left subscribed)', () => {
    const dir = projectDir();
    const script = path.join(dir, 'open-close.mts');
    fs.writeFileSync(
      script,
      `import { Engine } from ${JSON.stringify(path.join(repoRoot, 'electron/core/engine.ts'))};
const engine = new Engine();
engine.openProject(${JSON.stringify(dir)});
await new Promise((r) => setTimeout(r, 1500));
engine.dispose();
console.log('closed');`,
    );
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), script], {
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(r.stdout, r.stderr).toContain('closed');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
  });
});
