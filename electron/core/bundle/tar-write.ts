// Writing a tar file entry by entry, with node-tar's header and pax encoders (long names go in a
// pax header), so contents can stream from the object store and be hashed on the way.
import fs from 'node:fs';
import { Header, Pax } from 'tar';
/** What an entry can be; bundles hold only files and folders, the rest is for hostile-archive tests. */
export type EntryType =
  'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice' | 'BlockDevice';

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);

export class TarWriter {
  private readonly fd: number;
  private written = 0;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'wx');
  }

  private write(buf: Buffer): void {
    for (let off = 0; off < buf.length;) off += fs.writeSync(this.fd, buf, off);
    this.written += buf.length;
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

  data(chunk: Buffer): void {
    this.write(chunk);
  }

  /** Pads the entry's data to the block size. */
  end(): void {
    const rest = this.written % BLOCK;
    if (rest) this.write(ZEROS.subarray(0, BLOCK - rest));
  }

  file(name: string, content: Buffer, mode = 0o644): void {
    this.header(name, content.length, { mode });
    this.data(content);
    this.end();
  }

  close(): void {
    this.write(ZEROS);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
  }

  abort(): void {
    fs.closeSync(this.fd);
    fs.rmSync(this.path, { force: true });
  }
}
