import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { stopAllWorkers } from '../../electron/core/jobs/worker.js';
import { runHash } from '../../electron/core/store/hash-pool.js';
import { tempDir } from '../helpers/cli.js';

describe('the hash worker pool', () => {
  it('stops a worker that is still hashing when the host quits (not only the idle ones)', async () => {
    const t = tempDir();
    try {
      // Large enough that hashing it takes far longer than stopping a thread.
      const fd = fs.openSync(path.join(t.dir, 'big.bin'), 'w');
      const chunk = Buffer.alloc(16 << 20, 5);
      for (let i = 0; i < 48; i++) fs.writeSync(fd, chunk);
      fs.closeSync(fd);
      let progressed = 0;
      const hashing = runHash(
        {
          root: t.dir,
          rel: 'big.bin',
          dbPath: path.join(t.dir, 'none.db'),
          objectsDir: null,
          part: { index: 0, of: 1 },
        },
        { onProgress: () => progressed++ },
      );
      const outcome = hashing.then(
        () => 'finished',
        (e: Error) => e.message,
      );
      // Once it has started reading, stop everything.
      while (progressed === 0) await new Promise((r) => setTimeout(r, 5));
      const started = Date.now();
      await stopAllWorkers();
      expect(await outcome).toMatch(/hash worker exited/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      t.cleanup();
    }
  });
});
