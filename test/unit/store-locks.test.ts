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
    let refused: unknown = null;
    try {
      gc(p, { apply: true, graceMs: 0 });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(StrataError);
    expect((refused as StrataError).code).toBe('CONFLICT');
    expect((refused as StrataError).message).toMatch(/in use \(versioning or a checkout in process \d+\)/);
    // A dry run removes nothing and is not refused.
    expect(gc(p, { apply: false, graceMs: 0 }).applied).toBe(false);
    await adding;
    expect(gc(p, { apply: true, graceMs: 0 })).toMatchObject({ applied: true, unreferenced: 0 });
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
    expect(() => gc(p, { apply: true, graceMs: 0 })).toThrow(/in use/);
    expect((await checking).ok).toBe(true);
    expect(gc(p, { apply: true, graceMs: 0 }).applied).toBe(true);
  });
});
