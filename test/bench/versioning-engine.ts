import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const out = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  '..',
  'out',
  'electron',
  'core',
);

/** Loads a module of the compiled engine; the TypeScript sources would start every worker through tsx. */
export async function engineModule<T>(rel: string): Promise<T> {
  const file = path.join(out, rel);
  if (!fs.existsSync(file))
    throw new Error(`${file} is missing: run \`npm run build:node\` first (npm run bench does)`);
  return (await import(pathToFileURL(file).href)) as T;
}
