#!/usr/bin/env node
// Runs ESLint (eslint.config.js) over the tree. Its packages live in tools/lint/ with the TypeScript 5
// typescript-eslint needs; the root postinstall installs them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'tools', 'lint', 'node_modules', 'eslint', 'bin', 'eslint.js');
if (!fs.existsSync(bin)) {
  console.error('eslint: not installed; run `npm ci --prefix tools/lint` (npm ci at the root does it too)');
  process.exit(1);
}
const r = spawnSync(process.execPath, [bin, '--max-warnings', '0', ...process.argv.slice(2), '.'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
