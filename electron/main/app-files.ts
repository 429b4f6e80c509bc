import fs from 'node:fs';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './policy.js';

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

export type AppFile = { status: 200; file: string; type: string } | { status: 400 | 404; reason: string };

function inside(root: string, file: string): boolean {
  return file === root || file.startsWith(root + path.sep);
}

/**
 * Maps an app://strata/… request to a file of the built UI. Nothing outside `root` is ever served:
 * not through `..`, encoded slashes or backslashes, nor a symlink planted inside it. A path without an
 * extension is a client-side route and gets index.html; a missing asset is a plain 404.
 */
export function resolveAppFile(root: string, requestUrl: string): AppFile {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { status: 400, reason: 'malformed URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST)
    return { status: 404, reason: `not an ${APP_SCHEME}://${APP_HOST} URL` };
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return { status: 400, reason: 'malformed path' };
  }
  if (rel.includes('\0') || rel.includes('\\')) return { status: 400, reason: 'malformed path' };
  const base = path.resolve(root);
  const wanted = path.resolve(base, '.' + path.posix.normalize('/' + rel));
  if (!inside(base, wanted)) return { status: 404, reason: 'outside the app' };
  const file = wanted === base || path.extname(wanted) === '' ? path.join(base, 'index.html') : wanted;
  let real: string;
  try {
    real = fs.realpathSync(file);
    if (!fs.statSync(real).isFile()) return { status: 404, reason: 'not a file' };
  } catch {
    return { status: 404, reason: 'no such file' };
  }
  if (!inside(fs.realpathSync(base), real)) return { status: 404, reason: 'outside the app' };
  return { status: 200, file: real, type: TYPES[path.extname(real)] ?? 'application/octet-stream' };
}
