#!/usr/bin/env node
// The `strata` command. It runs the compiled engine in out/ (built by `npm run build`, which
// `npm ci` runs through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../out/electron/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    `strata: not built yet (${fileURLToPath(entry)} is missing). Run \`npm run build\` in the Strata folder.\n`,
  );
  process.exit(1);
}
await import(entry.href);
