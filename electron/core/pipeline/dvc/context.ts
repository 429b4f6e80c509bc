import fs from 'node:fs';
import path from 'node:path';
import { outsideProblem } from '../../config/inside.js';
import { readParamsData } from './params-read.js';
import { isPlainMap, PyFloat, setOwn } from './pyvalues.js';

/** A vars failure in words; the resolver adds the file, line and column of the item. */
export class VarsError extends Error {}

/**
 * The variables a dvc.yaml sees, merged as DVC merges them: params.yaml at the root first (when it
 * exists), then each `vars` item in order. Maps merge key by key; a value defined twice is an error
 * naming both sources, never a silent override.
 */
export class Context {
  data: Record<string, unknown> = {};
  /** dotted path → where it came from, for "cannot redefine" errors */
  private sources = new Map<string, string>();
  /** params file (relative to the project) → the keys taken from it, or null for all of it */
  private imports = new Map<string, string[] | null>();
  private reserved = new Set<string>();

  clone(): Context {
    const c = new Context();
    c.data = copyMaps(this.data) as Record<string, unknown>;
    c.sources = new Map(this.sources);
    c.imports = new Map([...this.imports].map(([k, v]) => [k, v ? [...v] : null]));
    c.reserved = new Set(this.reserved);
    return c;
  }

  /** `item` and `key` of a foreach or matrix: set, and protected from being redefined by vars. */
  setReserved(values: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(values)) {
      setOwn(this.data, k, v);
      this.sources.set(k, 'foreach/matrix');
      this.reserved.add(k);
    }
  }

  merge(update: Record<string, unknown>, source: string): void {
    const clash = Object.keys(update).filter((k) => this.reserved.has(k));
    if (clash.length)
      throw new VarsError(
        `attempted to modify reserved key${clash.length > 1 ? 's' : ''} ${clash.map((k) => `'${k}'`).join(', ')} in '${source}'`,
      );
    this.mergeInto(this.data, update, '', source);
  }

  private mergeInto(
    into: Record<string, unknown>,
    update: Record<string, unknown>,
    prefix: string,
    source: string,
  ) {
    for (const [key, val] of Object.entries(update)) {
      const at = prefix ? `${prefix}.${key}` : key;
      const existing = Object.hasOwn(into, key) ? into[key] : undefined;
      if (isPlainMap(existing) && isPlainMap(val)) {
        this.mergeInto(existing, val, at, source);
        continue;
      }
      if (Object.hasOwn(into, key)) {
        throw new VarsError(
          `cannot redefine '${at}' from '${source}' as it already exists in '${this.sourceOf(at)}'`,
        );
      }
      setOwn(into, key, copyMaps(val));
      this.sources.set(at, source);
    }
  }

  private sourceOf(at: string): string {
    for (let p = at; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      const s = this.sources.get(p);
      if (s) return s;
    }
    return '<local>';
  }

  /**
   * A `vars` item naming a file: `file` takes all of it, `file:a,b` only those top-level keys. The
   * same whole file twice is allowed; partial and whole loads of one file may not mix.
   */
  mergeFile(root: string, item: string, wdir: string): void {
    const colon = item.indexOf(':');
    const file = colon >= 0 ? item.slice(0, colon) : item;
    const keys =
      colon >= 0
        ? item
            .slice(colon + 1)
            .split(',')
            .filter(Boolean)
        : [];
    const outside = outsideProblem(file, wdir);
    if (outside) throw new VarsError(outside);
    const rel = path.posix.normalize(path.posix.join(wdir || '.', file));
    const selected = keys.length ? keys : null;
    if (this.imports.has(rel)) {
      const imported = this.imports.get(rel) ?? null;
      if (!selected && imported === null) return;
      if (!selected && imported)
        throw new VarsError(`cannot load '${item}' as it's partially loaded already`);
      if (selected && imported === null)
        throw new VarsError(`cannot partially load '${item}' as it's already loaded.`);
      if (selected && imported && selected.some((k) => imported.includes(k)))
        throw new VarsError(`cannot load '${item}' as it's partially loaded already`);
    }
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) throw new VarsError(`'${rel}' does not exist`);
    if (fs.statSync(abs).isDirectory()) throw new VarsError(`'${rel}' is a directory`);
    let data = readParamsData(abs);
    if (!isPlainMap(data)) throw new VarsError(`expected a dictionary, got '${kind(data)}' in file '${rel}'`);
    if (selected) {
      const picked: Record<string, unknown> = {};
      for (const k of selected) {
        if (!Object.hasOwn(data, k)) throw new VarsError(`could not find '${k}' in '${rel}'`);
        setOwn(picked, k, data[k]);
      }
      data = picked;
    }
    this.merge(data as Record<string, unknown>, rel);
    const before = this.imports.get(rel);
    this.imports.set(rel, selected ? [...(before ?? []), ...selected] : null);
  }
}

function kind(v: unknown): string {
  return Array.isArray(v) ? 'list' : v === null ? 'NoneType' : typeof v;
}

/** Maps are copied so a merge into a clone never reaches the original; leaves are immutable. */
function copyMaps(v: unknown): unknown {
  if (isPlainMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyMaps(x)]));
  if (Array.isArray(v)) return v.map(copyMaps);
  if (v instanceof PyFloat) return v;
  return v;
}
