import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Project } from '../../electron/core/project/project.js';
import { recordVersion } from '../../electron/core/store/api.js';
import { fsck } from '../../electron/core/store/fsck.js';
import { gc } from '../../electron/core/store/gc.js';
import { StrataError } from '../../shared/errors.js';
import { throwawayProjects } from '../helpers/store.js';

const { project, cleanups } = throwawayProjects();

function bigFile(p: Project, rel: string, mb: number): void {
  const f = path.join(p.root, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  const fd = fs.openSync(f, 'w');
  const chunk = Buffer.alloc(16 << 20, 9);
  for (let i = 0; i < mb / 16; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

const gcMarker = (p: Project) => path.join(p.strataDir, 'locks', 'gc');

describe('gc and versioning never run over each other', () => {
  it('gc --yes refuses while a version is being stored, and runs once it is done', async () => {
    const p = project();
    bigFile(p, 'm/weights.bin', 512);
    const adding = recordVersion(p, { path: 'm', source: 'manual' });
    // The add has announced itself before it starts hashing.
    await new Promise((r) => setTimeout(r, 50));
    const refused = await gc(p, { apply: true, graceMs: 0 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StrataError);
    expect((refused as StrataError).code).toBe('CONFLICT');
    expect((refused as StrataError).message).toMatch(/in use \(versioning or a checkout in process \d+\)/);
    // A dry run removes nothing and is not refused.
    expect((await gc(p, { apply: false, graceMs: 0 })).applied).toBe(false);
    await adding;
    expect(await gc(p, { apply: true, graceMs: 0 })).toMatchObject({ applied: true, unreferenced: 0 });
    expect(fs.existsSync(gcMarker(p))).toBe(false);
  });

  it('an add waits while another process runs gc, and goes on when it ends; the marker of a gc that died is ignored', async () => {
    const p = project();
    fs.mkdirSync(path.join(p.root, 'd'));
    fs.writeFileSync(path.join(p.root, 'd/a.txt'), 'a');
    fs.mkdirSync(path.dirname(gcMarker(p)), { recursive: true });
    const gcProcess = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => void gcProcess.kill('SIGKILL'));
    fs.writeFileSync(gcMarker(p), String(gcProcess.pid));
    let done = false;
    const adding = recordVersion(p, { path: 'd', source: 'manual' }).then((v) => {
      done = true;
      return v;
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(done).toBe(false);
    const exited = new Promise((r) => gcProcess.once('exit', r));
    gcProcess.kill('SIGKILL');
    await exited;
    expect((await adding).created).toBe(true);

    // A marker left by a gc that died is not waited for.
    const dead = spawnSync('true');
    fs.writeFileSync(gcMarker(p), String(dead.pid));
    fs.writeFileSync(path.join(p.root, 'd/b.txt'), 'b');
    const started = Date.now();
    expect((await recordVersion(p, { path: 'd', source: 'manual' })).created).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fs.existsSync(gcMarker(p))).toBe(false);
  });

  it('gc --yes refuses while a check (fsck) reads the store', async () => {
    const p = project();
    bigFile(p, 'm/weights.bin', 512);
    await recordVersion(p, { path: 'm', source: 'manual' });
    const checking = fsck(p);
    await new Promise((r) => setTimeout(r, 50));
    await expect(gc(p, { apply: true, graceMs: 0 })).rejects.toThrow(/in use/);
    expect((await checking).ok).toBe(true);
    expect((await gc(p, { apply: true, graceMs: 0 })).applied).toBe(true);
  });

  it('gc runs off the event loop: a host stays responsive while it reads a long history', async () => {
    const p = project();
    // A manifest of 800,000 files (72 MB of text) that gc must read for the hashes it references.
    let text = '';
    for (let i = 0; i < 800_000; i++) text += `f 644 4096 ${i.toString(16).padStart(64, '0')} "d/${i}.bin"\n`;
    p.db
      .prepare(
        'INSERT INTO manifests (root_hash, type, file_count, total_bytes, entries) VALUES (?, ?, ?, ?, ?)',
      )
      .run('e'.repeat(64), 'dir', 800_000, 800_000 * 4096, text);
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 10);
    try {
      const started = performance.now();
      await gc(p, { apply: true, graceMs: 0 });
      const took = performance.now() - started;
      // Let the timer run once more: a gc that blocked the loop shows as one long gap here.
      await new Promise((r) => setTimeout(r, 50));
      // gc itself takes hundreds of milliseconds here; the timer never waits more than a fraction of it.
      expect(took).toBeGreaterThan(150);
      expect(longest).toBeLessThan(took / 2);
    } finally {
      clearInterval(timer);
    }
  });
});
