import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from './paths.js';

let cached: string | null = null;

export function appVersion(): string {
  cached ??= (
    JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
  return cached;
}
