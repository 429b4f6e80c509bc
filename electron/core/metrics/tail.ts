import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * Reads the lines appended to a file since the last call. A line is only returned once its newline
 * has been written, so a writer caught mid-line is never read as garbage.
 */
export class LineTailer {
  private offset = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly buf: Buffer;

  constructor(
    readonly file: string,
    chunkBytes = 4 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Up to about maxBytes of complete new lines; more may be waiting when the result is non-empty. */
  read(maxBytes = 8 << 20): string[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let text = '';
    try {
      let got = 0;
      while (got < maxBytes) {
        const n = fs.readSync(fd, this.buf, 0, this.buf.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        got += n;
        text += this.decoder.write(this.buf.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
    if (!text) return [];
    const all = this.partial + text;
    const cut = all.lastIndexOf('\n');
    if (cut < 0) {
      this.partial = all;
      return [];
    }
    this.partial = all.slice(cut + 1);
    return all.slice(0, cut).split('\n');
  }

  /** What is left without a newline when the writer is known to be done: the last line of a file without one. */
  rest(): string[] {
    const tail = this.read();
    const last = this.partial;
    this.partial = '';
    return last.trim() ? [...tail, last] : tail;
  }
}
