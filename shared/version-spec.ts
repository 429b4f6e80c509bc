import { StrataError } from './errors.js';

/** Splits "name@ref" as every door writes a version; a bare name means its latest version. */
export function parseSpec(spec: string): { artifact: string; ref: string } {
  const at = spec.indexOf('@');
  if (at < 0) return { artifact: spec, ref: 'latest' };
  const artifact = spec.slice(0, at);
  const ref = spec.slice(at + 1);
  if (!artifact || !ref)
    throw new StrataError(
      'BAD_REQUEST',
      `"${spec}" is not a version: write <artifact>@<number|alias|latest>, e.g. data@3`,
    );
  return { artifact, ref };
}
