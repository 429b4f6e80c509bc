import { StrataError } from '../../../shared/errors.js';
import { profileTable, readProfile, writeProfile, type Profile } from './profile.js';
import type { SampleInput } from './source.js';
import { readTable, TableBuilder } from './table.js';

/** A sample's profile: from its cache when it has one, else read (and cached for next time). */
export async function loadProfile(input: SampleInput): Promise<Profile> {
  if (input.cacheFile) {
    const cached = readProfile(input.cacheFile);
    if (cached) return cached;
  }
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
  const profile = profileTable(builder.finish());
  if (input.cacheFile) writeProfile(input.cacheFile, profile);
  return profile;
}
