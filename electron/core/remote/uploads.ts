import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../app/atomic.js';

/** A multipart upload begun and not finished: enough to go on with it instead of sending it all again. */
export interface SavedUpload {
  /** which bucket (and server) it is in: the same key in another bucket is another upload */
  remote: string;
  /** the object's full key in the bucket */
  key: string;
  uploadId: string;
  partSize: number;
  size: number;
  /** part number → ETag, for the parts the server acknowledged */
  parts: Record<number, string>;
  startedAt: number;
}

/**
 * Multipart uploads in progress, one small JSON file each under .strata/uploads/, rewritten
 * atomically as each part is acknowledged. A push that was cancelled, killed or cut off finds its
 * upload here and asks the server which parts it has (the file alone is never trusted).
 */
export class UploadJournal {
  constructor(
    private readonly dir: string,
    private readonly remote: string,
  ) {}

  private file(key: string): string {
    const id = crypto.createHash('sha256').update(`${this.remote}\n${key}`).digest('hex');
    return path.join(this.dir, `${id.slice(0, 40)}.json`);
  }

  find(key: string): SavedUpload | null {
    const u = read(this.file(key));
    return u && u.remote === this.remote && u.key === key ? u : null;
  }

  save(upload: SavedUpload): void {
    writeFileAtomic(this.file(upload.key), JSON.stringify(upload));
  }

  drop(key: string): void {
    fs.rmSync(this.file(key), { force: true });
  }

  /** The uploads of this remote still in progress. */
  list(): SavedUpload[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((n) => n.endsWith('.json'))
      .map((n) => read(path.join(this.dir, n)))
      .filter((u): u is SavedUpload => u !== null && u.remote === this.remote);
  }
}

/**
 * None for a missing file; a file that is not a saved upload (cut short, edited) counts as none too:
 * the upload starts over, which costs bytes, never correctness. Other read errors are reported.
 */
function read(file: string): SavedUpload | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const u = JSON.parse(text) as SavedUpload;
    return typeof u.uploadId === 'string' && typeof u.parts === 'object' && u.parts !== null ? u : null;
  } catch {
    return null;
  }
}
