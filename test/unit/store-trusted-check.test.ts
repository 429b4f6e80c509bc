import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Project } from '../../electron/core/project/project.js';
import { recordVersion } from '../../electron/core/store/api.js';
import { parseEntries } from '../../electron/core/store/manifest.js';
import { manifestText } from '../../electron/core/store/repo.js';
import { throwawayProjects } from '../helpers/store.js';

const { project } = throwawayProjects();

const past = new Date(Date.now() - 60_000);
function write(p: Project, rel: string, data: string): void {
  const f = path.join(p.root, 'w', rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, data);
  // Old enough that the stat cache keeps it (a file written within the last second is always re-read).
  fs.utimesSync(f, past, past);
}

const files = (p: Project, root: string) =>
  Object.fromEntries(
    parseEntries(manifestText(p, root).entries).map((e) => [
      e.path,
      e.kind === 'd' ? 'dir' : `${e.size}:${e.mode.toString(8)}`,
    ]),
  );

describe('a check given the list of paths the watcher saw change', () => {
  it('stats and hashes only the listed paths (and what is under a listed folder); the walk still finds additions and removals', async () => {
    const p = project();
    write(p, 'keep.txt', 'keep');
    write(p, 'edit.txt', 'edit');
    write(p, 'sub/one.txt', 'one');
    write(p, 'sub/two.txt', 'two');
    write(p, 'gone.txt', 'gone');
    const v1 = await recordVersion(p, { path: 'w', source: 'manual' });

    // keep.txt changes size, but the list does not name it: its line comes from the stat cache,
    // which shows that it was not stat'ed (a full check sees the change).
    write(p, 'keep.txt', 'keep, but longer');
    write(p, 'edit.txt', 'edited');
    fs.chmodSync(path.join(p.root, 'w/edit.txt'), 0o755);
    write(p, 'sub/two.txt', 'two, changed');
    write(p, 'new.txt', 'new');
    fs.rmSync(path.join(p.root, 'w/gone.txt'));
    fs.mkdirSync(path.join(p.root, 'w/empty'));
    const v2 = await recordVersion(p, { path: 'w', source: 'watch', changed: ['edit.txt', 'sub'] });
    expect(v2.created).toBe(true);
    expect(files(p, v2.rootHash)).toEqual({
      'keep.txt': '4:644',
      'edit.txt': '6:755',
      'sub/one.txt': '3:644',
      'sub/two.txt': '12:644',
      'new.txt': '3:644',
      empty: 'dir',
    });
    expect(v2.rootHash).not.toBe(v1.rootHash);

    const full = await recordVersion(p, { path: 'w', source: 'manual' });
    expect(files(p, full.rootHash)['keep.txt']).toBe('16:644');
  });

  it('stats a file whose cache row has no mode (written before the cache kept modes)', async () => {
    const p = project();
    write(p, 'a.txt', 'a');
    await recordVersion(p, { path: 'w', source: 'manual' });
    p.db.prepare('UPDATE stat_cache SET mode = NULL').run();
    write(p, 'a.txt', 'a, longer');
    const v = await recordVersion(p, { path: 'w', source: 'watch', changed: [] });
    expect(files(p, v.rootHash)).toEqual({ 'a.txt': '9:644' });
    // The check filled the mode in again.
    expect(p.db.prepare('SELECT mode FROM stat_cache').pluck().all()).toEqual([0o644]);
  });
});
