// Writing a tar file entry by entry, with node-tar's header and pax encoders (long names go in a
// pax header), so contents can stream from the object store and be hashed on the way.
import fs from 'node:fs';
import { Header, Pax } from 'tar';
/** What an entry can be; bundles hold only files and folders, the rest is for hostile-archive tests. */
export type EntryType =
  'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice' | 'BlockDevice';

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);

/**
 * Every write goes to its own offset (pwrite), so a large entry's chunks can be written on libuv's
 * threads while the caller hashes the next one, and headers written meanwhile land in their place.
 */
export class TarWriter {
  private readonly fd: number;
  private pos = 0;
  private readonly writing = new Set<Promise<void>>();
  private failed: Error | null = null;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'wx');
  }

  private write(buf: Buffer): void {
    if (this.failed) throw this.failed;
    for (let off = 0; off < buf.length;)
      off += fs.writeSync(this.fd, buf, off, buf.length - off, this.pos + off);
    this.pos += buf.length;
  }

  /** The header of an entry (its data follows through data(), then end()). */
  header(
    name: string,
    size: number,
    opts: { mode?: number; type?: EntryType; linkpath?: string } = {},
  ): void {
    const data = {
      path: name,
      mode: opts.mode ?? (opts.type === 'Directory' ? 0o755 : 0o644),
      size,
      mtime: new Date(0),
      type: opts.type ?? 'File',
      linkpath: opts.linkpath ?? '',
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
    };
    const block = Buffer.alloc(BLOCK);
    const h = new Header(data);
    if (h.encode(block)) {
      this.write(new Pax({ path: name, linkpath: opts.linkpath, size }).encode());
      h.encode(block);
    }
    this.write(block);
  }

  /**
   * Writes a chunk of the current entry in the background. The chunk must not change until the
   * promise settles (the caller reuses its buffer after that); a failure is thrown by the next
   * write or by close(), never as an unhandled rejection.
   */
  data(chunk: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    const at = this.pos;
    this.pos += chunk.length;
    const p = writeAt(this.fd, chunk, at).then(
      () => {
        this.writing.delete(p);
      },
      (err: Error) => {
        this.writing.delete(p);
        this.failed ??= err;
      },
    );
    this.writing.add(p);
    return p;
  }

  /** Pads the entry's data to the block size. */
  end(): void {
    const rest = this.pos % BLOCK;
    if (rest) this.write(ZEROS.subarray(0, BLOCK - rest));
  }

  file(name: string, content: Buffer, mode = 0o644): void {
    this.header(name, content.length, { mode });
    this.write(content);
    this.end();
  }

  async close(): Promise<void> {
    await Promise.all(this.writing);
    this.write(ZEROS);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }

  /** Removes the partial file, once no write of it is still under way on another thread. */
  async abort(): Promise<void> {
    await Promise.all(this.writing);
    fs.closeSync(this.fd);
    fs.rmSync(this.path, { force: true });
  }
}

function writeAt(fd: number, buf: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (off: number) =>
      fs.write(fd, buf, off, buf.length - off, position + off, (err, n) => {
        if (err) reject(err);
        else if (n === 0)
          reject(new Error(`writing ${buf.length - off} bytes at ${position + off} wrote none`));
        else if (off + n < buf.length) from(off + n);
        else resolve();
      });
    from(0);
  });
}
