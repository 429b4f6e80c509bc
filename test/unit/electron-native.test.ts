// scripts/build-electron-native.js where Electron's headers cannot be fetched: one clear line, a
// non-zero exit, and neither the Node build in node_modules nor build/electron-native touched.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/cli.js';

const script = path.join(repoRoot, 'scripts', 'build-electron-native.js');
const nodeBuild = path.join(
  repoRoot,
  'node_modules',
  'better-sqlite3',
  'build',
  'Release',
  'better_sqlite3.node',
);
const electronBuild = path.join(repoRoot, 'build', 'electron-native');

/** A local port with nothing listening: connection refused, the fastest kind of "offline". */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

function snapshot(file: string): string {
  if (!fs.existsSync(file)) return 'absent';
  const s = fs.statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

function workDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('strata-sqlite-electron-'));
}

describe('scripts/build-electron-native.js', () => {
  it('fails in one line when the headers server cannot be reached, touching nothing', async () => {
    const before = [
      snapshot(nodeBuild),
      snapshot(path.join(electronBuild, 'better_sqlite3.node')),
      workDirs(),
    ];
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = spawnSync(process.execPath, [script, '--force', '--dist-url', url], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^build-electron-native: cannot reach ${url}/v[\\d.]+/SHASUMS256\\.txt \\(ECONNREFUSED\\): .*needs internet`,
      ),
    );
    expect([
      snapshot(nodeBuild),
      snapshot(path.join(electronBuild, 'better_sqlite3.node')),
      workDirs(),
    ]).toEqual(before);
  });

  it('rejects unknown options in one line', () => {
    const r = spawnSync(process.execPath, [script, '--targt', '41.7.1'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^build-electron-native: unknown option --targt \(usage: /),
    ]);
  });

  it("as electron-builder's beforePack hook refuses a cross-platform or universal build before doing anything", async () => {
    const hook = ((await import(pathToFileURL(script).href)) as { default: unknown }).default as (ctx: {
      arch: number;
      electronPlatformName: string;
    }) => Promise<void>;
    const other = process.platform === 'win32' ? 'linux' : 'win32';
    await expect(hook({ arch: 1, electronPlatformName: other })).rejects.toThrow(
      `cannot be cross-compiled: package for ${other} on ${other}`,
    );
    await expect(hook({ arch: 4, electronPlatformName: process.platform })).rejects.toThrow(
      /package one architecture at a time/,
    );
  });
});
