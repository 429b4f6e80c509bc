import { serveWorker } from '../jobs/worker.js';
import { collectGarbage, type GcInput } from './gc.js';
import type { GcReport } from '../../../shared/api/artifacts.js';

/** gc in a worker thread: see gc.ts. */
serveWorker<GcInput, GcReport>((input) => collectGarbage(input));
