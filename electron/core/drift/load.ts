import { StrataError } from '../../../shared/errors.js';
import { profileTable, readProfile, writeProfile, type Profile } from './profile.js';
import type { SampleInput } from './source.js';
import { readTable, TableBuilder, type Table } from './table.js';

/** Every row of a sample's files, as columns. */
export async function readSample(input: SampleInput): Promise<Table> {
  const builder = new TableBuilder();
  for (const s of input.sources) {
    try {
      await readTable({ file: s.file, offset: s.offset, size: s.size }, s.format, builder);
    } catch (err) {
      throw new StrataError('BAD_REQUEST', `Cannot read ${s.label}: ${(err as Error).message}`, {
        where: { file: s.label },
      });
    }
  }
  return builder.finish();
}

/** A sample's stored profile, when it has one. */
export function cachedProfile(input: SampleInput): Profile | null {
  return input.cacheFile ? readProfile(input.cacheFile) : null;
}

export function cacheProfile(input: SampleInput, profile: Profile): void {
  if (input.cacheFile) writeProfile(input.cacheFile, profile);
}

/** A sample's profile: from its cache when it has one, else read (and cached for next time). */
export async function loadProfile(input: SampleInput): Promise<Profile> {
  const cached = cachedProfile(input);
  if (cached) return cached;
  const profile = profileTable(await readSample(input));
  cacheProfile(input, profile);
  return profile;
}
