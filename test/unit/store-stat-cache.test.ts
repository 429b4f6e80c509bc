import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { hashPath, recordVersion } from '../../electron/core/store/api.js';
import { throwawayProjects } from '../helpers/store.js';

const { project } = throwawayProjects();

describe('the stat cache of a large folder', () => {
  // 4,100 files: two parts, each reading its rows a page (1,024) at a time. A file whose content
  // changed but whose size, mtime and inode did not is answered from the cache, by design; here that
  // shows each file's row was found, on every page and on both sides of the parts' border.
  it('answers every file of a split re-check from its row, across pages', async () => {
    const p = project();
    const past = new Date(Date.now() - 60_000);
    const files: string[] = [];
    for (let i = 0; i < 4100; i++) {
      const f = path.join(p.root, 'w', `d${i % 9}`, `${i}.txt`);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, `a${String(i).padStart(5, '0')}`);
      fs.utimesSync(f, past, past);
      files.push(f);
    }
    const v = await recordVersion(p, { path: 'w', source: 'manual' });
    for (const f of files) {
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('a', 'b'));
      fs.utimesSync(f, past, past);
    }
    expect(await hashPath(p, 'w')).toBe(v.rootHash);
    // One file whose mtime moved is read again: the check does look.
    fs.utimesSync(files[2050], past, new Date(past.getTime() + 1000));
    expect(await hashPath(p, 'w')).not.toBe(v.rootHash);
  }, 60_000);
});
