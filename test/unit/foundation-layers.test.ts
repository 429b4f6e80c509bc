import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { importCycles, lintLayers } from '../../scripts/lint-layers.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(t.dir, 'tree-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('layering lint', () => {
  it('passes on the repository itself', () => {
    expect(lintLayers(repoRoot)).toEqual([]);
  });

  it('catches each forbidden import, with file and line', () => {
    const root = tree({
      'renderer/a.tsx': "import React from 'react';\nimport fs from 'node:fs';\n",
      'renderer/b.ts': "export { x } from '../electron/core/engine.js';\n",
      'renderer/c.ts': "const p = await import('path');\n",
      'electron/core/d.ts': "import { app } from 'electron';\n",
      'electron/cli/e.ts': "const { BrowserWindow } = require('electron/main');\n",
      'shared/f.ts': "import crypto from 'crypto';\n",
      'shared/g.ts': "import { Engine } from '../electron/core/engine.js';\n",
      'electron/main/ok.ts': "import { app } from 'electron';\nimport fs from 'node:fs';\n",
      'renderer/ok.ts': "// import fs from 'node:fs' is only a comment\nimport { z } from 'zod';\n",
    });
    const problems = lintLayers(root);
    expect(problems).toHaveLength(7);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^renderer\/a\.tsx:2: .*node:fs/),
        expect.stringMatching(/^renderer\/b\.ts:1: .*electron\//),
        expect.stringMatching(/^renderer\/c\.ts:1: .*"path"/),
        expect.stringMatching(/^electron\/core\/d\.ts:1: /),
        expect.stringMatching(/^electron\/cli\/e\.ts:1: /),
        expect.stringMatching(/^shared\/f\.ts:1: .*"crypto"/),
        expect.stringMatching(/^shared\/g\.ts:1: .*outside shared/),
      ]),
    );
  });

  it('keeps the CLI off electron/core but through its door: commands make contract calls', () => {
    const root = tree({
      'electron/cli/commands/bad.ts': "import { gc } from '../../core/store/gc.js';\n",
      'electron/cli/commands/ok.ts':
        "import { withProject } from '../api.js';\nimport { parseSpec } from '../../../shared/version-spec.js';\n",
      'electron/cli/api.ts': "import { Engine } from '../core/engine.js';\n",
      'electron/cli/format/helper.ts': "import { fsck } from '../../core/store/fsck.js';\n",
    });
    expect(lintLayers(root).sort()).toEqual([
      expect.stringMatching(/^electron\/cli\/commands\/bad\.ts:1: .*contract/),
      expect.stringMatching(/^electron\/cli\/format\/helper\.ts:1: .*contract/),
    ]);
  });

  it('fails on an import cycle that runs at load time, not on type imports or import()', () => {
    const root = tree({
      'renderer/stores/ui.ts': "import { defaultSection } from '../sections/registry.js';\n",
      'renderer/sections/registry.ts': "import { Compare } from './Compare.js';\n",
      'renderer/sections/Compare.tsx': "import { useUi } from '../stores/ui.js';\n",
      'electron/core/a.ts': "import type { B } from './b.js';\nexport const a = () => import('./b.js');\n",
      'electron/core/b.ts': "import { a } from './a.js';\n",
      'shared/x.ts': "import { type Y } from './y.js';\n",
      'shared/y.ts': "export { x } from './x.js';\n",
    });
    expect(importCycles(root).sort()).toEqual([
      'renderer/sections/Compare.tsx -> renderer/stores/ui.ts -> renderer/sections/registry.ts -> renderer/sections/Compare.tsx',
      // `import { type Y }` keeps a side-effect import under verbatimModuleSyntax: it still loads y.
      'shared/x.ts -> shared/y.ts -> shared/x.ts',
    ]);
    expect(lintLayers(root)).toContainEqual(expect.stringMatching(/^import cycle: renderer\//));
  });

  it('fails on registration by side-effect import, not on a stylesheet', () => {
    const root = tree({
      'electron/core/handlers/x.ts': "import '../watch/index.js';\n",
      'electron/core/watch/index.ts': 'export {};\n',
      'renderer/a.tsx': "import './a.css';\n",
      'renderer/a.css': 'body {}\n',
    });
    expect(lintLayers(root)).toEqual([
      expect.stringMatching(/^electron\/core\/handlers\/x\.ts:1: .*side effects/),
    ]);
  });

  it('the shared/ type check rejects DOM and Node globals', () => {
    const dir = fs.mkdtempSync(path.join(t.dir, 'probe-'));
    fs.writeFileSync(
      path.join(dir, 'probe.ts'),
      'export const a = document.title;\nexport const b = process.env;\n',
    );
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(repoRoot, 'tsconfig.shared.json'), include: ['probe.ts'] }),
    );
    const r = spawnSync(
      path.join(repoRoot, 'node_modules', '.bin', 'tsc'),
      ['-p', path.join(dir, 'tsconfig.json'), '--noEmit'],
      { encoding: 'utf8' },
    );
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain("Cannot find name 'document'");
    expect(r.stdout).toContain("Cannot find name 'process'");
  });
});
