import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findOnPath, pathWithNode, writeNodeShim } from '../../electron/main/node-shim.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir('strata-node-shim-');
afterAll(() => t.cleanup());

function dir(name: string): string {
  const d = path.join(t.dir, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

describe('a node for pipeline steps', () => {
  it('finds executables on PATH, skipping folders and files that cannot run', () => {
    const a = dir('a');
    const b = dir('b');
    const c = dir('c');
    fs.mkdirSync(path.join(a, 'node'));
    fs.writeFileSync(path.join(b, 'node'), 'not executable', { mode: 0o644 });
    fs.writeFileSync(path.join(c, 'node'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findOnPath('node', [a, b, c].join(path.delimiter))).toBe(path.join(c, 'node'));
    expect(findOnPath('node', [a, b].join(path.delimiter))).toBeNull();
    expect(findOnPath('node', undefined)).toBeNull();
  });

  it('leaves PATH alone where the user has a node', () => {
    const userPath = [dir('empty'), path.dirname(process.execPath)].join(path.delimiter);
    const shims = path.join(t.dir, 'unused-shims');
    expect(pathWithNode(userPath, shims, '/opt/Strata/strata')).toBe(userPath);
    expect(fs.existsSync(shims)).toBe(false);
  });

  it('otherwise puts a `node` in front that runs the app binary as Node, whatever its path', () => {
    // The stand-in for the Electron binary is real Node, reached through a path with a space and a quote.
    const odd = dir("Strata's App Folder");
    const runtime = path.join(odd, 'Strata');
    fs.symlinkSync(process.execPath, runtime);
    const shims = path.join(t.dir, 'shims');
    const userPath = [dir('no-node-here'), '/bin', '/usr/bin']
      .filter((p) => !fs.existsSync(path.join(p, 'node')))
      .join(path.delimiter);
    const newPath = pathWithNode(userPath, shims, runtime);
    expect(newPath).toBe(`${shims}${path.delimiter}${userPath}`);
    const r = spawnSync(
      '/bin/sh',
      [
        '-c',
        'node -e "console.log(process.env.ELECTRON_RUN_AS_NODE, JSON.stringify(process.argv.slice(1)))" a "b c"',
      ],
      {
        env: { PATH: newPath },
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('1 ["a","b c"]');
  });

  it('writes a node.cmd on Windows', () => {
    const d = writeNodeShim(path.join(t.dir, 'win'), 'C:\\Program Files\\Strata\\Strata.exe', 'win32');
    expect(fs.readFileSync(path.join(d, 'node.cmd'), 'utf8')).toBe(
      '@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"C:\\Program Files\\Strata\\Strata.exe" %*\r\n',
    );
  });
});
