import type { VersionedEvent } from '../../../shared/api/artifacts.js';
import type { Project } from '../project/project.js';

type Listener = (project: Project, event: VersionedEvent) => void;
const listeners = new Set<Listener>();

/**
 * Every recorded version is announced here, whoever recorded it (an add, the watcher, a pipeline
 * run), so the engine can push one `artifact.versioned` event for all of them.
 */
export function onVersioned(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceVersioned(project: Project, event: VersionedEvent): void {
  for (const l of listeners) {
    try {
      l(project, event);
    } catch {
      // A subscriber's failure must not turn a recorded version into a failed one.
    }
  }
}
