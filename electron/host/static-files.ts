import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

// The built UI, served by both hosts: the browser host over HTTP and the Electron shell on app://strata.

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export type StaticFile =
  | { status: 200; file: string; type: string; headers: Record<string, string> }
  | { status: 400 | 404; reason: string };

function inside(root: string, file: string): boolean {
  return file === root || file.startsWith(root + path.sep);
}

/**
 * Maps a URL path (still percent-encoded) to a file of the built UI. Nothing outside `root` is ever
 * served: not through `..`, encoded slashes or backslashes, nor a symlink planted inside it (the
 * file's real path must lie in the root's real path). A path without an extension is a client-side
 * route and gets index.html; a missing asset is a plain 404.
 */
export function resolveStaticFile(root: string, pathname: string): StaticFile {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return { status: 400, reason: 'malformed path' };
  }
  if (rel.includes('\0') || rel.includes('\\')) return { status: 400, reason: 'malformed path' };
  const base = path.resolve(root);
  const wanted = path.resolve(base, '.' + path.posix.normalize('/' + rel));
  if (!inside(base, wanted)) return { status: 404, reason: 'outside the app' };
  const file = wanted === base || path.extname(wanted) === '' ? path.join(base, 'index.html') : wanted;
  let real: string;
  let realBase: string;
  try {
    realBase = fs.realpathSync(base);
    real = fs.realpathSync(file);
    if (!fs.statSync(real).isFile()) return { status: 404, reason: 'not a file' };
  } catch {
    return { status: 404, reason: 'no such file' };
  }
  if (!inside(realBase, real)) return { status: 404, reason: 'outside the app' };
  // Vite names everything under assets/ by its content hash: a cached copy never goes stale.
  const immutable = inside(path.join(realBase, 'assets'), real);
  return {
    status: 200,
    file: real,
    type: TYPES[path.extname(real)] ?? 'application/octet-stream',
    headers: immutable ? { 'Cache-Control': 'private, max-age=31536000, immutable' } : {},
  };
}

/**
 * Opens a resolved file without following a symlink, so one swapped in after the check is refused
 * rather than read.
 */
export function openStaticFile(file: string): Promise<FileHandle> {
  return fs.promises.open(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
}
