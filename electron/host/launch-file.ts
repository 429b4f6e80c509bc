import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../shared/errors.js';

/**
 * The folder for files only this user may read: 0700, a real folder (not a symlink), owned by us. A
 * folder someone else made, or one we made with looser bits, is not trusted with a secret.
 */
export function privateDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory())
    throw new StrataError('PERMISSION_DENIED', `${dir} must be a folder, not a link or a file`, {
      where: { file: dir },
    });
  if (process.getuid && st.uid !== process.getuid())
    throw new StrataError('PERMISSION_DENIED', `${dir} belongs to another user; remove it and try again`, {
      where: { file: dir },
    });
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  return dir;
}

/** A day old: its server is gone or its code long dead. A `strata ui` that was killed left it. */
const STALE_MS = 24 * 60 * 60 * 1000;

function removeStale(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (!/^ui-[\w-]+\.html$/.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (Date.now() - fs.lstatSync(file).mtimeMs > STALE_MS) fs.rmSync(file, { force: true });
    } catch {
      // removed by another strata ui meanwhile
    }
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface LaunchFile {
  file: string;
  remove(): void;
}

/**
 * What the browser is opened on instead of a URL with a secret in it: a page that only this user can
 * read (0600, created new, never through a symlink) and that forwards to `url`. Another user can see
 * the opener's command line, which names this file, but cannot read it.
 */
export function writeLaunchFile(dir: string, url: string): LaunchFile {
  removeStale(privateDir(dir));
  const file = path.join(dir, `ui-${crypto.randomBytes(9).toString('base64url')}.html`);
  const href = escapeHtml(url);
  const page =
    '<!doctype html>\n<html><head><meta charset="utf-8">' +
    `<meta http-equiv="refresh" content="0;url=${href}"><title>Strata</title></head>\n` +
    `<body><p>Opening Strata… If nothing happens, <a href="${href}">click here</a>.</p></body></html>\n`;
  const fd = fs.openSync(
    file,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  try {
    fs.writeSync(fd, page);
  } finally {
    fs.closeSync(fd);
  }
  return { file, remove: () => fs.rmSync(file, { force: true }) };
}
