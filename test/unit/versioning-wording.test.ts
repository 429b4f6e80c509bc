import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('versions and diff read well', () => {
  it('say "by run <id>" and "1 file", and name a file artifact by its path', () => {
    const t = tempDir('strata-wording-');
    try {
      expect(runCli(['init', t.dir]).code).toBe(0);
      fs.writeFileSync(path.join(t.dir, 'a.csv'), 'x\n1\n');
      expect(runCli(['add', 'a.csv', '--project', t.dir]).code).toBe(0);
      fs.writeFileSync(path.join(t.dir, 'a.csv'), 'x\n2\n3\n');
      expect(runCli(['add', 'a.csv', '--project', t.dir]).code).toBe(0);
      const versions = runCli(['versions', 'a', '--project', t.dir]).stdout;
      expect(versions).toMatch(/ 1 file +manual /);
      expect(versions).not.toContain('1 files');
      const diff = runCli(['diff', 'a@1', 'a@2', '--project', t.dir]).stdout;
      expect(diff).toContain('"a.csv"');
      expect(diff).toContain('table "a.csv":');
      expect(diff).not.toContain('(the file)');
    } finally {
      t.cleanup();
    }
  });
});
