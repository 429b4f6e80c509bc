import fs from 'node:fs';
import path from 'node:path';
import type { RecentProject } from '../../../shared/api/app.js';
import { appDataDir } from './paths.js';
import { writeFileAtomic } from './atomic.js';

const MAX_RECENT = 12;

function recentFile(): string {
  return path.join(appDataDir(), 'recent.json');
}

function read(): Omit<RecentProject, 'exists'>[] {
  try {
    const data = JSON.parse(fs.readFileSync(recentFile(), 'utf8')) as unknown;
    if (!Array.isArray(data)) return [];
    return data.filter(
      (r): r is Omit<RecentProject, 'exists'> =>
        typeof r === 'object' &&
        r !== null &&
        typeof r.path === 'string' &&
        typeof r.name === 'string' &&
        typeof r.openedAt === 'string',
    );
  } catch {
    // A missing or damaged list is not worth failing over: it is rebuilt as projects are opened.
    return [];
  }
}

export function listRecent(): RecentProject[] {
  return read().map((r) => ({ ...r, exists: fs.existsSync(r.path) }));
}

export function addRecent(root: string, name: string): RecentProject[] {
  const rest = read().filter((r) => r.path !== root);
  const next = [{ path: root, name, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_RECENT);
  writeFileAtomic(recentFile(), JSON.stringify(next, null, 2));
  return listRecent();
}

export function forgetRecent(root: string): RecentProject[] {
  writeFileAtomic(
    recentFile(),
    JSON.stringify(
      read().filter((r) => r.path !== root),
      null,
      2,
    ),
  );
  return listRecent();
}
