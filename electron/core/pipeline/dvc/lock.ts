import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { StrataError } from '../../../../shared/errors.js';
import { readYamlFile } from '../../config/yaml.js';
import type { Stage } from '../stages.js';
import { dvcMd5 } from './md5.js';
import { readParamsData } from './params-read.js';
import { isPlainMap, unwrapPy } from './pyvalues.js';

const entrySchema = z
  .object({ path: z.string(), md5: z.string().optional(), hash: z.string().optional() })
  .passthrough();
const lockStageSchema = z
  .object({
    cmd: z.union([z.string(), z.array(z.string())]),
    deps: z.array(entrySchema).default([]),
    params: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    outs: z.array(entrySchema).default([]),
  })
  .passthrough();
const lockSchema = z
  .object({ schema: z.literal('2.0'), stages: z.record(z.string(), lockStageSchema).default({}) })
  .passthrough();

export type LockStage = z.output<typeof lockStageSchema>;
type LockEntry = z.output<typeof entrySchema>;

/**
 * The stages DVC recorded in dvc.lock beside dvc.yaml; null without one. A lock Strata cannot read
 * (not YAML, an older schema) is reported as unusable: its stages then run, the run does not fail.
 */
export function readDvcLock(
  dir: string,
): { stages: Record<string, LockStage> } | { unusable: string } | null {
  const file = path.join(dir, 'dvc.lock');
  if (!fs.existsSync(file)) return null;
  try {
    return { stages: readYamlFile(file, lockSchema).value.stages };
  } catch (err) {
    if (!(err instanceof StrataError)) throw err;
    const at = err.where?.line ? `dvc.lock:${err.where.line}:${err.where.column ?? 1}: ` : 'dvc.lock: ';
    return { unusable: at + err.message };
  }
}

export type LockVerdict = { match: true } | { match: false; reason: string };

const relTo = (wdir: string, p: string) =>
  path.posix
    .normalize(path.posix.join(wdir || '.', p))
    .replace(/^\.\//, '')
    .replace(/\/$/, '');

/** Python's == on loaded params: numbers by value, lists and maps item by item. */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isPlainMap(a) && isPlainMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return a === b;
}

/** dpath.get with '.' as separator: map keys, and list indexes as numbers. */
function getPath(data: unknown, key: string): { found: boolean; value?: unknown } {
  let node = data;
  for (const step of key.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(step) && Number(step) < node.length) node = node[Number(step)];
    else if (isPlainMap(node) && Object.hasOwn(node, step)) node = node[step];
    else return { found: false };
  }
  return { found: true, value: node };
}

/** Where DVC keeps an object in its cache: files/md5/ab/cdef… (DVC 3), ab/cdef… (DVC 2). */
function cached(cacheDir: string, md5: string, legacy: boolean): boolean {
  const rel = path.join(md5.slice(0, 2), md5.slice(2));
  return fs.existsSync(legacy ? path.join(cacheDir, rel) : path.join(cacheDir, 'files', 'md5', rel));
}

/**
 * Whether DVC would skip the stage: its command is the one recorded, and every dep, param and out
 * still has the recorded value (outs also present in DVC's cache unless `cache: false`), as
 * `dvc repro` decides. Returns the first difference in words otherwise.
 */
export async function checkLock(
  root: string,
  stage: Stage,
  lock: LockStage,
  cacheDir: string,
  signal?: AbortSignal,
): Promise<LockVerdict> {
  const differ = (reason: string): LockVerdict => ({ match: false, reason: `${reason} since DVC ran it` });
  if (!same(lock.cmd, stage.rawCmd)) return differ('command changed');
  const byPath = (entries: LockEntry[]) => new Map(entries.map((e) => [relTo(stage.wdir, e.path), e]));
  const compare = async (p: string, entry: LockEntry | undefined, kind: 'dep' | 'out') => {
    signal?.throwIfAborted();
    if (!entry?.md5) return `${kind} ${p} not in dvc.lock`;
    const legacy = entry.hash !== 'md5';
    const now = await dvcMd5(path.join(root, p), legacy);
    if (!now) return `${kind} ${p} missing`;
    if (now.md5 !== entry.md5) return `${kind} ${p} changed`;
    if (kind === 'out' && !stage.uncached.includes(p)) {
      const missing =
        !cached(cacheDir, now.md5, legacy) || (now.files ?? []).some((f) => !cached(cacheDir, f.md5, legacy));
      if (missing) return `out ${p} not in DVC's cache`;
    }
    return null;
  };
  const deps = byPath(lock.deps);
  for (const dep of stage.deps) {
    const why = await compare(dep, deps.get(dep), 'dep');
    if (why) return differ(why);
  }
  const lockParams = new Map(Object.entries(lock.params).map(([f, v]) => [relTo(stage.wdir, f), v]));
  for (const [file, keys] of stage.params) {
    const recorded = lockParams.get(file);
    if (!recorded) return differ(`params of ${file} not in dvc.lock`);
    if (!fs.existsSync(path.join(root, file))) return differ(`params file ${file} missing`);
    const actual = unwrapPy(readParamsData(path.join(root, file)));
    const names = keys.length
      ? keys
      : [...new Set([...Object.keys(isPlainMap(actual) ? actual : {}), ...Object.keys(recorded)])];
    for (const key of names) {
      const now = getPath(actual, key);
      if (!now.found || !Object.hasOwn(recorded, key) || !same(now.value, recorded[key]))
        return differ(`param ${key} of ${file} changed`);
    }
  }
  const outs = byPath(lock.outs);
  for (const out of [...stage.outs, ...stage.metrics, ...stage.plots]) {
    const why = await compare(out, outs.get(out), 'out');
    if (why) return differ(why);
  }
  return { match: true };
}
