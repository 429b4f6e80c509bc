import fs from 'node:fs';
import path from 'node:path';

export interface ObjectFile {
  hash: string;
  file: string;
  size: number;
  mtimeMs: number;
}

const SHARD = /^[0-9a-f]{2}$/;

/** Every object file of the store (temp and quarantine folders are not objects). */
export function listObjects(objectsDir: string): ObjectFile[] {
  const out: ObjectFile[] = [];
  let shards: string[];
  try {
    shards = fs.readdirSync(objectsDir).filter((s) => SHARD.test(s));
  } catch {
    return out;
  }
  for (const shard of shards) {
    for (const name of fs.readdirSync(path.join(objectsDir, shard))) {
      const file = path.join(objectsDir, shard, name);
      const st = fs.statSync(file);
      if (st.isFile()) out.push({ hash: shard + name, file, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return out;
}
