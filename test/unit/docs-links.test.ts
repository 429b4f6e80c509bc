import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';

/** The documents and scripts a reader follows; every .md they name must be in the repository. */
function readable(): string[] {
  const docs = fs.readdirSync(path.join(repoRoot, 'docs')).map((f) => path.join('docs', f));
  const scripts = fs.readdirSync(path.join(repoRoot, 'scripts')).map((f) => path.join('scripts', f));
  return ['README.md', 'DEVELOPERS.md', ...docs, ...scripts].filter((f) => /\.(md|js)$/.test(f));
}

describe('documentation links', () => {
  it('point to files inside the repository that exist', () => {
    const bad: string[] = [];
    for (const rel of readable()) {
      const text = fs.readFileSync(path.join(repoRoot, rel), 'utf8');
      for (const m of text.matchAll(/(?:\]\(|`|\s)((?:\.{1,2}\/|[\w-]+\/)*[\w.-]+\.md)(?=[`)\s#:;,.]|$)/gm)) {
        const target = path.resolve(repoRoot, path.dirname(rel), m[1]);
        const fromRoot = path.resolve(repoRoot, m[1]);
        const inside = (p: string) => p.startsWith(repoRoot + path.sep) && fs.existsSync(p);
        if (!inside(target) && !inside(fromRoot)) bad.push(`${rel}: ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the architecture is in the repository, and README and DEVELOPERS.md point there', () => {
    expect(fs.existsSync(path.join(repoRoot, 'docs', 'architecture.md'))).toBe(true);
    for (const f of ['README.md', 'DEVELOPERS.md'])
      expect(fs.readFileSync(path.join(repoRoot, f), 'utf8')).toContain('docs/architecture.md');
  });
});
