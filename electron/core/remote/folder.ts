import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { StrataError } from '../../../shared/errors.js';
import { explainFsError } from '../project/project.js';
import { fsyncPath } from '../store/objects.js';
import type { Transport } from './transport.js';

const TMP = 'tmp';

/**
 * A remote that is a folder (a mounted NAS, a USB disk): the same layout as a bucket, every object
 * written to tmp/ first, made durable, then renamed into place, so an interrupted push leaves only
 * temp files behind.
 */
export function folderTransport(name: string, root: string): Transport {
  const label = `remote "${name}" (folder ${root})`;
  const abs = (key: string) => path.join(root, ...key.split('/'));
  const fail = (err: unknown, what: string, file: string) => {
    const e = explainFsError(err, `${label}: ${what}`, file);
    return new StrataError(
      e.code === 'INTERNAL' || e.code === 'PROJECT_MISSING' ? 'REMOTE_FAILED' : e.code,
      e.message,
      { where: e.where },
    );
  };
  const requireRoot = () => {
    // Never created here: a NAS that is not mounted would otherwise fill the empty mount point.
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory())
      throw new StrataError('REMOTE_FAILED', `${label}: the folder does not exist (is the disk mounted?)`, {
        where: { file: root },
      });
  };
  const temp = () => {
    const dir = path.join(root, TMP);
    fs.mkdirSync(dir, { recursive: true });
    return path.join(dir, `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
  };
  const settle = (tmp: string, key: string) => {
    const dest = abs(key);
    fsyncPath(tmp);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.renameSync(tmp, dest);
    fsyncPath(path.dirname(dest));
  };

  return {
    label,
    async list() {
      requireRoot();
      const out = new Map<string, number>();
      const walk = (dir: string, prefix: string) => {
        for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
          const key = prefix ? `${prefix}/${d.name}` : d.name;
          if (d.isDirectory()) {
            if (key !== TMP) walk(path.join(dir, d.name), key);
          } else if (d.isFile()) out.set(key, fs.statSync(path.join(dir, d.name)).size);
        }
      };
      try {
        walk(root, '');
      } catch (err) {
        throw fail(err, 'cannot list', root);
      }
      return out;
    },
    async read(key) {
      try {
        return fs.readFileSync(abs(key));
      } catch (err) {
        throw fail(err, `cannot read ${key}`, abs(key));
      }
    },
    async stream(key, signal) {
      requireRoot();
      return fs.createReadStream(abs(key), { highWaterMark: 1 << 20, signal });
    },
    async writeBuffer(key, data, signal) {
      signal.throwIfAborted();
      requireRoot();
      const tmp = temp();
      try {
        fs.writeFileSync(tmp, data, { flag: 'wx' });
        settle(tmp, key);
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        throw fail(err, `cannot write ${key}`, abs(key));
      }
    },
    async writeFile(key, file, _size, onBytes, signal) {
      requireRoot();
      const tmp = temp();
      try {
        const count = new Transform({
          transform(chunk: Buffer, _enc, done) {
            onBytes(chunk.length);
            done(null, chunk);
          },
        });
        await pipeline(
          fs.createReadStream(file, { highWaterMark: 1 << 20 }),
          count,
          fs.createWriteStream(tmp, { flags: 'wx' }),
          { signal },
        );
        settle(tmp, key);
        return { resumed: 0 };
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        if (signal.aborted) throw err;
        throw fail(err, `cannot write ${key}`, abs(key));
      }
    },
  };
}
