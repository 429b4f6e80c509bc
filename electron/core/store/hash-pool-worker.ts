import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import { serveWorker } from '../jobs/worker.js';
import { explainFsError } from '../project/project.js';
import { hashTree, type HashTreeInput } from './hash-tree.js';

serveWorker<HashTreeInput, Awaited<ReturnType<typeof hashTree>>>(async (input, progress) => {
  try {
    return await hashTree(input, progress);
  } catch (caught) {
    // A file-system error nothing explained yet (a failing disk) still reaches the caller as one.
    if (caught instanceof StrataError) throw caught;
    throw explainFsError(
      caught,
      'Cannot version',
      (caught as { path?: string }).path ?? path.join(input.root, input.rel),
    );
  }
});
