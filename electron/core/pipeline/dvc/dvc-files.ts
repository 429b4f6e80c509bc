import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StrataError } from '../../../../shared/errors.js';
import { outsideProblem } from '../../config/inside.js';
import { readYamlFile } from '../../config/yaml.js';
import { IGNORED_DIRS } from '../../project/ignored.js';

/** One output of a `.dvc` file (what `dvc add` tracks), with the md5 DVC recorded for it. */
export interface DvcFileOut {
  /** the `.dvc` file, relative to the project */
  dvcFile: string;
  /** the tracked path, relative to the project */
  path: string;
  md5: string | null;
  /** DVC 3 writes `hash: md5`; an entry without it was hashed by DVC 2 (md5 after dos2unix) */
  legacy: boolean;
}

const outSchema = z
  .object({ path: z.string().min(1), md5: z.string().optional(), hash: z.string().optional() })
  .passthrough();
const dvcFileSchema = z
  .object({ outs: z.array(outSchema).default([]), wdir: z.string().optional() })
  .passthrough();

/**
 * Finds the `.dvc` files of the project, and the dvc.yaml files in its subfolders. Folders that hold
 * data rather than DVC files are not entered: one a `.dvc` file beside it tracks (data/ next to
 * data.dvc), and a stage's out.
 */
export function findDvcFiles(
  root: string,
  stageOuts: ReadonlySet<string> = new Set(),
): { outs: DvcFileOut[]; pipelines: string[] } {
  const found: DvcFileOut[] = [];
  const pipelines: string[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name) && !names.has(`${e.name}.dvc`) && !stageOuts.has(child)) walk(child);
      } else if (e.isFile() && e.name === 'dvc.yaml' && rel) {
        pipelines.push(child);
      } else if (e.isFile() && e.name.endsWith('.dvc')) {
        const { value } = readYamlFile(path.join(root, child), dvcFileSchema);
        const base = path.posix.join(rel || '.', value.wdir ?? '.');
        for (const [i, out] of value.outs.entries()) {
          const outside = outsideProblem(out.path, path.posix.join(rel, value.wdir ?? ''));
          if (outside)
            throw new StrataError('CONFIG_INVALID', `outs[${i}].path: ${outside}`, {
              where: { file: path.join(root, child) },
            });
          found.push({
            dvcFile: child,
            path: path.posix.normalize(path.posix.join(base, out.path)).replace(/\/$/, ''),
            md5: out.md5 ?? null,
            legacy: out.hash !== 'md5',
          });
        }
      }
    }
  };
  walk('');
  return { outs: found.sort((a, b) => a.path.localeCompare(b.path)), pipelines: pipelines.sort() };
}
