// electron-builder.yml is only exercised on a machine with internet, when someone packages the app:
// check it here against electron-builder's own schema, and load its beforePack hook the way
// electron-builder does, so a typo surfaces in `npm test` rather than at release time.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import YAML from 'yaml';
import { repoRoot } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
const config = YAML.parse(fs.readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
>;

describe('electron-builder.yml', () => {
  it("matches electron-builder's configuration schema", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, log: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, npmRebuld: false }, new DebugLogger(false)),
    ).rejects.toThrow(/unknown property 'npmRebuld'/);
  });

  it('names a beforePack hook that electron-builder can load as a function', async () => {
    const { resolveFunction } = require('app-builder-lib/out/util/resolve.js') as {
      resolveFunction(
        type: string | undefined,
        executor: unknown,
        name: string,
        root: string,
      ): Promise<unknown>;
    };
    const previous = process.cwd();
    process.chdir(repoRoot);
    try {
      expect(typeof (await resolveFunction(undefined, config.beforePack, 'beforePack', repoRoot))).toBe(
        'function',
      );
    } finally {
      process.chdir(previous);
    }
  });

  it('never lets electron-builder rebuild node_modules (that would replace the Node build the CLI and tests use)', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
  });

  it('packs no package that only the renderer imports: Vite has bundled those into dist/renderer', () => {
    const importsUnder = (dir: string): Set<string> => {
      const found = new Set<string>();
      for (const rel of fs.readdirSync(path.join(repoRoot, dir), { recursive: true }) as string[]) {
        if (!/\.(ts|tsx)$/.test(rel)) continue;
        const text = fs.readFileSync(path.join(repoRoot, dir, rel), 'utf8');
        for (const m of text.matchAll(/(?:from|import\()\s*'([^'.][^']*)'/g)) {
          const spec = m[1];
          if (spec.startsWith('node:')) continue;
          found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        }
      }
      return found;
    };
    const node = new Set([...importsUnder('electron'), ...importsUnder('shared')]);
    const rendererOnly = [...importsUnder('renderer')].filter((p) => !node.has(p));
    expect(rendererOnly).toEqual(
      expect.arrayContaining(['react', 'react-dom', 'zustand', 'plotly.js-dist-min']),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(rendererOnly.filter((p) => p in pkg.dependencies)).toEqual([]);
  });
});
