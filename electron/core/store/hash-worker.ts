import { serveWorker } from '../jobs/worker.js';
import { hashTree, type HashTreeInput, type HashTreeResult } from './hash-tree.js';

serveWorker<HashTreeInput, HashTreeResult>((input, progress) => hashTree(input, progress));
