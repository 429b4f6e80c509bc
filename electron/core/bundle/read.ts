// Reading a bundle as a stream (node-tar's Parser, which also undoes gzip): each entry's header is
// checked by our rules before its data is read, its bytes hashed as they pass, and, when extracting,
// written only under the destination, as new files, never as links or special files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { StrataError } from '../../../shared/errors.js';
import {
  DEFAULT_LIMITS,
  MANIFEST_NAME,
  pathProblem,
  RATIO_FLOOR,
  refuse,
  SIGNATURE_NAME,
  BUNDLE_FORMAT,
  type BundleManifest,
  type BundleSignature,
  type Limits,
} from './format.js';

export interface ReadResult {
  manifest: BundleManifest;
  manifestBytes: Buffer;
  signature: BundleSignature | null;
  /** every file read but the manifest and signature: its size and sha256 */
  files: Map<string, { size: number; sha256: string }>;
  /** the sha256 of the bundle file itself, with hashWhole */
  bundleSha256: string | null;
}

const META_CAP = 64 * 1024 * 1024;
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Reads every entry of the bundle. With `extractTo` (an empty folder) files are written there too;
 * the caller removes the folder when this throws.
 */
export function readBundle(
  file: string,
  opts: { extractTo?: string; limits?: Limits; hashWhole?: boolean } = {},
): Promise<ReadResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const shown = path.basename(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new StrataError('NOT_FOUND', `No bundle file at ${file}`);
  }
  if (!st.isFile()) throw new StrataError('BAD_REQUEST', `${file} is not a file`);
  return new Promise<ReadResult>((resolve, reject) => {
    const whole = opts.hashWhole ? crypto.createHash('sha256') : null;
    const files = new Map<string, { size: number; sha256: string }>();
    const seen = new Set<string>();
    let manifestBytes: Buffer | null = null;
    let signatureBytes: Buffer | null = null;
    let entries = 0;
    let expanded = 0;
    let failed: Error | null = null;
    let pending = 0;
    let ended = false;
    const input = fs.createReadStream(file, { highWaterMark: 4 * 1024 * 1024 });
    const parser = new Parser({ strict: true, maxMetaEntrySize: 1024 * 1024 });

    const fail = (err: unknown) => {
      if (failed) return;
      failed = err instanceof Error ? err : new Error(String(err));
      input.destroy();
      parser.abort(failed);
      reject(failed);
    };
    const check = (problem: string | null) => {
      if (problem) throw new StrataError('BUNDLE_INVALID', `${shown} is refused: ${problem}`);
    };
    const finish = () => {
      if (failed || !ended || pending > 0) return;
      try {
        if (!manifestBytes)
          refuse(shown, `it has no ${MANIFEST_NAME}; it is not a Strata bundle or it was cut short`);
        let manifest: BundleManifest;
        try {
          manifest = JSON.parse(manifestBytes.toString('utf8')) as BundleManifest;
        } catch (err) {
          refuse(shown, `its ${MANIFEST_NAME} is not JSON (${(err as Error).message})`);
        }
        if (manifest.format !== BUNDLE_FORMAT || !Array.isArray(manifest.files))
          refuse(shown, `its manifest is not of format ${BUNDLE_FORMAT}`);
        let signature: BundleSignature | null = null;
        if (signatureBytes) {
          try {
            signature = JSON.parse(signatureBytes.toString('utf8')) as BundleSignature;
          } catch {
            refuse(shown, `its ${SIGNATURE_NAME} is not JSON`);
          }
        }
        resolve({ manifest, manifestBytes, signature, files, bundleSha256: whole?.digest('hex') ?? null });
      } catch (err) {
        fail(err);
      }
    };

    parser.on('entry', (entry: ReadEntry) => {
      if (failed) return entry.resume();
      try {
        entries++;
        if (entries > limits.maxEntries) check(`it has more than ${limits.maxEntries} entries`);
        const name = entry.path;
        check(pathProblem(name, limits));
        const isDir = entry.type === 'Directory';
        if (!isDir && !FILE_TYPES.has(entry.type))
          check(
            `the entry ${JSON.stringify(name)} is a ${entry.type}${entry.linkpath ? ` to ${JSON.stringify(entry.linkpath)}` : ''}; a bundle holds only files and folders`,
          );
        const key = name.replace(/\/$/, '').toLowerCase();
        if (seen.has(key) && !isDir)
          check(`the entry ${JSON.stringify(name)} appears twice (names compared without case)`);
        seen.add(key);
        expanded += entry.size;
        if (expanded > limits.maxTotalBytes)
          check(`it would expand to more than ${limits.maxTotalBytes} bytes`);
        // A small compressed file declaring enormous contents (a decompression bomb) stops here,
        // before its data is inflated.
        if (expanded > RATIO_FLOOR && expanded > st.size * limits.maxRatio)
          check(`it expands to more than ${limits.maxRatio} times its size (a decompression bomb)`);
        if (isDir) {
          if (opts.extractTo)
            fs.mkdirSync(path.join(opts.extractTo, ...name.replace(/\/$/, '').split('/')), {
              recursive: true,
            });
          return entry.resume();
        }
        const meta = name === MANIFEST_NAME || name === SIGNATURE_NAME;
        if (meta && entry.size > META_CAP) check(`its ${name} is larger than ${META_CAP} bytes`);
        const hash = crypto.createHash('sha256');
        const chunks: Buffer[] = [];
        let out: number | null = null;
        if (opts.extractTo && !meta) {
          const target = path.join(opts.extractTo, ...name.split('/'));
          if (!target.startsWith(opts.extractTo + path.sep))
            check(`the entry ${JSON.stringify(name)} lands outside`);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          // 'wx': a new file only; nothing that exists (a file, a link planted earlier) is followed or replaced.
          out = fs.openSync(target, 'wx', (entry.mode ?? 0o644) & 0o100 ? 0o755 : 0o644);
        }
        pending++;
        let size = 0;
        entry.on('data', (c: Buffer) => {
          if (failed) return;
          try {
            size += c.length;
            hash.update(c);
            if (meta) chunks.push(c);
            else if (out !== null) for (let off = 0; off < c.length;) off += fs.writeSync(out, c, off);
          } catch (err) {
            fail(err);
          }
        });
        entry.on('end', () => {
          if (out !== null) fs.closeSync(out);
          pending--;
          if (failed) return;
          if (name === MANIFEST_NAME) manifestBytes = Buffer.concat(chunks);
          else if (name === SIGNATURE_NAME) signatureBytes = Buffer.concat(chunks);
          else files.set(name, { size, sha256: hash.digest('hex') });
          finish();
        });
      } catch (err) {
        entry.resume();
        fail(err);
      }
    });
    parser.on('warn', (code: string, message: string) =>
      fail(new StrataError('BUNDLE_INVALID', `${shown} is damaged: ${message} (${code})`)),
    );
    parser.on('error', (err: Error) =>
      fail(
        err instanceof StrataError
          ? err
          : new StrataError('BUNDLE_INVALID', `${shown} is damaged: ${err.message}`),
      ),
    );
    if (whole) input.on('data', (c: Buffer | string) => whole.update(c as Buffer));
    input.on('error', fail);
    parser.on('end', () => {
      ended = true;
      finish();
    });
    input.pipe(parser);
  });
}

/** Problems of the contents against the manifest: a file missing, changed, or not listed. */
export function contentProblems(r: ReadResult): string[] {
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const f of r.manifest.files) {
    listed.add(f.path);
    const got = r.files.get(f.path);
    if (!got) problems.push(`${f.path} is listed but missing`);
    else if (got.size !== f.size)
      problems.push(`${f.path} has ${got.size} bytes where the manifest says ${f.size}`);
    else if (got.sha256 !== f.sha256)
      problems.push(`${f.path} does not match its sha256 (changed or damaged)`);
  }
  for (const p of r.files.keys())
    if (!listed.has(p)) problems.push(`${p} is in the bundle but not in its manifest`);
  return problems;
}
