import fs from 'node:fs';
import path from 'node:path';
import { Project } from '../../electron/core/project/project.js';
import { tempDir } from '../helpers/cli.js';

export interface Fixture {
  dir: string;
  project: Project;
  write(rel: string, text: string): void;
  cleanup(): void;
}

/** A real project folder with a strata.yaml and the given files, opened (migrated) once. */
export function makeProject(config: string, files: Record<string, string> = {}): Fixture {
  const { dir, cleanup } = tempDir('strata-runs-');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('strata.yaml', config);
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  const project = Project.open(dir);
  return {
    dir,
    project,
    write,
    cleanup: () => {
      project.close();
      cleanup();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 20000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(50);
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
