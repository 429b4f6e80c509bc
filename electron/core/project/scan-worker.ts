import { serveWorker } from '../jobs/worker.js';
import { walkTree } from './walk.js';

export interface ScanResult {
  files: number;
  bytes: number;
  folders: number;
}

serveWorker<{ root: string }, ScanResult>(({ root }, progress) => {
  let files = 0;
  let bytes = 0;
  let folders = 0;
  for (const entry of walkTree(root)) {
    if (entry.kind === 'dir') folders++;
    else {
      files++;
      bytes += entry.size;
      if (files % 500 === 0) progress(files, null);
    }
  }
  return { files, bytes, folders };
});
