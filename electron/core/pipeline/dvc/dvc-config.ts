import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_PARSING, type ParsingConfig } from './interpolate.js';

export interface DvcConfig {
  parsing: ParsingConfig;
  /** absolute folder of DVC's cache */
  cacheDir: string;
}

/** `[section]` and `key = value` lines of DVC's config files (configobj's INI), later files winning. */
function readIni(files: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let section = '';
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) continue;
      const sec = /^\[\s*['"]?(.*?)['"]?\s*\]$/.exec(line);
      if (sec) {
        section = sec[1].trim();
        continue;
      }
      const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
      if (kv) out.set(`${section}.${kv[1].trim()}`, kv[2].replace(/^(['"])(.*)\1$/, '$2'));
    }
  }
  return out;
}

/** What of `.dvc/config` (and `.dvc/config.local`) changes how a dvc.yaml runs. */
export function readDvcConfig(root: string): DvcConfig {
  const dvcDir = path.join(root, '.dvc');
  const ini = readIni([path.join(dvcDir, 'config'), path.join(dvcDir, 'config.local')]);
  const bool = ini.get('parsing.bool');
  const list = ini.get('parsing.list');
  return {
    parsing: {
      bool: bool === 'boolean_optional' ? 'boolean_optional' : DEFAULT_PARSING.bool,
      list: list === 'append' ? 'append' : DEFAULT_PARSING.list,
    },
    cacheDir: path.resolve(dvcDir, ini.get('cache.dir') ?? 'cache'),
  };
}
