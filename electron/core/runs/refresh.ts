import type { Engine } from '../engine.js';
import type { Project } from '../project/project.js';
import { ingestInbox } from './inbox.js';
import { recoverInterrupted } from './recover.js';
import { runSummary } from './repo.js';

/** Runs whose runner died end as interrupted and runs logged from a terminal come in; each is announced. */
export async function refreshRuns(project: Project, engine: Engine): Promise<string[]> {
  const changed = [...recoverInterrupted(project), ...(await ingestInbox(project))];
  for (const id of changed) engine.emit('run.update', runSummary(project, id));
  return changed;
}
