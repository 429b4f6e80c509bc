import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';

// ESLint as `npm test` runs it (eslint.config.js, with the packages of tools/lint/).
const { ESLint } = createRequire(path.join(repoRoot, 'tools', 'lint', 'package.json'))('eslint') as {
  ESLint: new (opts: { cwd: string }) => {
    lintText(
      code: string,
      opts: { filePath: string },
    ): Promise<{ messages: { ruleId: string | null; message: string }[] }[]>;
  };
};
const eslint = new ESLint({ cwd: repoRoot });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('ESLint', () => {
  it('enforces the layers as import restrictions', async () => {
    expect(await problems('renderer/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*node:fs.*without Node/),
    ]);
    expect(
      await problems(
        'renderer/x.ts',
        "import { Engine } from '../electron/core/engine.js';\nexport const a = Engine;\n",
      ),
    ).toEqual([expect.stringMatching(/^no-restricted-imports: .*only through the Api/)]);
    expect(
      await problems('shared/x.ts', "import { x } from '../electron/core/x.js';\nexport const a = x;\n"),
    ).toEqual([expect.stringMatching(/^no-restricted-imports: .*nothing outside shared/)]);
    expect(
      await problems('electron/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toEqual([expect.stringMatching(/^no-restricted-imports: .*Electron/)]);
    expect(
      await problems(
        'electron/cli/commands/x.ts',
        "import { gc } from '../../core/store/gc.js';\nexport const a = gc;\n",
      ),
    ).toEqual([expect.stringMatching(/^no-restricted-imports: .*contract/)]);
    expect(
      await problems(
        'electron/cli/format/x.ts',
        "import { gc } from '../../core/store/gc.js';\nexport const a = gc;\n",
      ),
    ).toEqual([expect.stringMatching(/^no-restricted-imports: .*contract/)]);
    expect(
      await problems(
        'electron/cli/api.ts',
        "import { Engine } from '../core/engine.js';\nexport const a = Engine;\n",
      ),
    ).toEqual([]);
    expect(
      await problems('electron/main/x.ts', "import { app } from 'electron';\nexport const a = app;\n"),
    ).toEqual([]);
  });

  it('applies the recommended rules to TypeScript', async () => {
    expect(await problems('electron/core/x.ts', 'const unused = 1;\nexport const a: any = 2;\n')).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-unused-vars: /),
      expect.stringMatching(/^@typescript-eslint\/no-explicit-any: /),
    ]);
  });
});
