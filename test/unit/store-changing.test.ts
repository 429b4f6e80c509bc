import { describe, it, expect, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { hashTree } from '../../electron/core/store/hash-tree.js';
import { Project } from '../../electron/core/project/project.js';
import { recordVersion } from '../../electron/core/store/api.js';
import { StrataError } from '../../shared/errors.js';
import { tempDir } from '../helpers/cli.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real writer process appending to file every millisecond, for forMs (or until killed). */
async function appender(file: string, forMs = 600000): Promise<ChildProcess> {
  const code = `const fs=require('fs');const end=Date.now()+${forMs};console.log('go');const t=setInterval(()=>{if(Date.now()>end)process.exit(0);fs.appendFileSync(${JSON.stringify(file)},'more data\\n')},1)`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((r) => child.stdout!.once('data', r));
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  });
  return child;
}

describe('a file that changes while it is hashed', () => {
  it('is detected, retried, then reported; nothing is stored under its name', async () => {
    const t = tempDir();
    const p = Project.init(t.dir);
    cleanups.push(() => {
      p.close();
      t.cleanup();
    });
    const file = path.join(t.dir, 'data', 'growing.log');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, Buffer.alloc(64 << 20, 1));
    await appender(file);
    const err = await recordVersion(p, { path: 'data', source: 'manual' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe('CONFLICT');
    expect((err as StrataError).message).toMatch(/kept changing while it was being hashed \(3 tries\)/);
    expect(p.db.prepare('SELECT count(*) FROM versions').pluck().get()).toBe(0);
    const stored = fs
      .readdirSync(p.objectsDir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile());
    expect(stored).toEqual([]);
  });

  it('is versioned once it stops changing (the retry succeeds)', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'f.bin');
    fs.writeFileSync(file, Buffer.alloc(48 << 20, 2));
    // The writer stops by itself, soon after hashing began.
    await appender(file, 150);
    const objects = path.join(t.dir, 'objects');
    fs.mkdirSync(path.join(objects, 'tmp'), { recursive: true });
    const started = Date.now();
    let result;
    let conflicts = 0;
    while (Date.now() - started < 20000) {
      try {
        result = await hashTree(
          {
            root: t.dir,
            rel: 'f.bin',
            dbPath: path.join(t.dir, 'none.db'),
            objectsDir: objects,
            part: { index: 0, of: 1 },
          },
          () => undefined,
        );
        break;
      } catch (err) {
        if (!(err instanceof StrataError) || err.code !== 'CONFLICT') throw err;
        conflicts++;
      }
    }
    expect(result?.exists).toBe(true);
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(48 << 20);
    expect(result && result.exists && result.whole?.totalBytes).toBe(size);
    expect(conflicts).toBeLessThan(3);
  });
});
