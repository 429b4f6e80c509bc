import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import { CONFIG_FILE } from '../config/load.js';
import { STRATA_DIR } from '../project/project.js';

/** The project a command works on: --project, or the nearest folder up from cwd with strata.yaml or .strata/. */
export function locateProject(given: string | undefined, cwd = process.cwd()): string {
  if (given) return path.resolve(cwd, given);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, CONFIG_FILE)) || fs.existsSync(path.join(dir, STRATA_DIR, 'strata.db')))
      return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new StrataError(
    'NOT_A_PROJECT',
    `No Strata project here or above ${cwd}. Run \`strata init\`, or pass --project <dir>.`,
  );
}
