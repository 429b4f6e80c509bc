import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../../shared/errors.js';
import { specialKind } from '../../store/hash-tree.js';

/**
 * DVC's content hashes, to compare with a dvc.lock or a `.dvc` file:
 * - a file: the md5 of its bytes (DVC 3, `hash: md5`); DVC 2 entries (no `hash` field) hashed each
 *   1 MiB chunk that looks like text (dvc-data's istextblock on its first 512 bytes) after turning
 *   CRLF into LF;
 * - a folder: the md5 of the JSON listing `[{"md5": …, "relpath": …}, …]` of its files (sorted by
 *   relpath, keys sorted, Python's json.dumps separators and ASCII escapes), followed by ".dir".
 */

const CHUNK = 1 << 20;
const TEXT_BLOCK = 512;

/** dvc-data's heuristic: no NUL, and at most 30% of bytes outside printable ASCII and \n\r\t\f\b. */
function isTextBlock(block: Buffer): boolean {
  if (block.length === 0) return true;
  let nontext = 0;
  for (const b of block) {
    if (b === 0) return false;
    const text = (b >= 32 && b < 127) || b === 10 || b === 13 || b === 9 || b === 12 || b === 8;
    if (!text) nontext++;
  }
  return nontext / block.length <= 0.3;
}

function dos2unix(chunk: Buffer): Buffer {
  const out = Buffer.allocUnsafe(chunk.length);
  let n = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === 13 && chunk[i + 1] === 10) continue;
    out[n++] = chunk[i];
  }
  return out.subarray(0, n);
}

/**
 * md5s already computed, by path, size, mtime and inode: the Pipelines screen asks for the plan on
 * every run update, and until Strata has run a stage each ask compares it with dvc.lock again.
 */
const memo = new Map<string, string>();
const MEMO_MAX = 100_000;

export async function fileMd5(abs: string, legacy = false): Promise<string> {
  const st = await fs.promises.stat(abs);
  // A file written in the last two seconds may change again within its mtime's granularity.
  if (Date.now() - st.mtimeMs < 2000) return hashFile(abs, legacy);
  const key = `${legacy ? 'l' : 'm'}:${abs}:${st.size}:${st.mtimeMs}:${st.ino}`;
  const known = memo.get(key);
  if (known) return known;
  const md5 = await hashFile(abs, legacy);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, md5);
  return md5;
}

async function hashFile(abs: string, legacy: boolean): Promise<string> {
  const hash = crypto.createHash('md5');
  // Non-blocking: opening a FIFO waits for a writer, holding a thread of libuv's small pool.
  const fh = await fs.promises.open(abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw new StrataError(
        'BAD_REQUEST',
        `${abs} is a ${specialKind(st)}, not a regular file: DVC hashes regular files and folders only`,
        { where: { file: abs } },
      );
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      // DVC 2 decided text or binary per read of 1 MiB, so chunks are filled whole.
      let got = 0;
      while (got < CHUNK) {
        const { bytesRead } = await fh.read(buf, got, CHUNK - got, null);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      if (got === 0) break;
      const chunk = buf.subarray(0, got);
      hash.update(legacy && isTextBlock(chunk.subarray(0, TEXT_BLOCK)) ? dos2unix(chunk) : chunk);
      if (got < CHUNK) break;
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/** Names DVC never counts as part of a folder (its default ignore patterns). */
const IGNORED_DIRS = new Set(['.git', '.hg', '.dvc']);

async function listFiles(abs: string, rel = '', out: string[] = []): Promise<string[]> {
  const entries = await fs.promises.readdir(path.join(abs, rel), { withFileTypes: true });
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!IGNORED_DIRS.has(e.name)) await listFiles(abs, child, out);
    } else if (
      e.name !== '.git' &&
      (e.isFile() || (e.isSymbolicLink() && isFileTarget(path.join(abs, child))))
    ) {
      out.push(child);
    }
  }
  return out;
}

function isFileTarget(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Python's json.dumps for a string: ASCII only, \uXXXX in lower-case hex. */
function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Python sorts strings by code point; JavaScript's default sort is by UTF-16 unit. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

function dirListingBytes(entries: { relpath: string; md5: string }[]): string {
  const sorted = [...entries].sort((a, b) => byCodePoint(a.relpath, b.relpath));
  return `[${sorted.map((e) => `{"md5": ${pyJsonString(e.md5)}, "relpath": ${pyJsonString(e.relpath)}}`).join(', ')}]`;
}

export interface DvcHash {
  md5: string;
  /** a folder's files and their md5s */
  files?: { relpath: string; md5: string }[];
}

export async function dirMd5(abs: string, legacy = false): Promise<DvcHash> {
  const files: { relpath: string; md5: string }[] = [];
  for (const relpath of await listFiles(abs))
    files.push({ relpath, md5: await fileMd5(path.join(abs, relpath), legacy) });
  const md5 = crypto.createHash('md5').update(dirListingBytes(files), 'utf8').digest('hex');
  return { md5: `${md5}.dir`, files };
}

/** DVC's md5 of a file or folder, or null when there is nothing at the path. */
export async function dvcMd5(abs: string, legacy = false): Promise<DvcHash | null> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(abs);
  } catch {
    return null;
  }
  return st.isDirectory() ? dirMd5(abs, legacy) : { md5: await fileMd5(abs, legacy) };
}
