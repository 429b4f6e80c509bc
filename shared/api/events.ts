import { returns } from './define.js';
import type { JobInfo } from './jobs.js';
import type { VersionedEvent, WatchStatus } from './artifacts.js';
import type { ProjectSummary } from './project.js';

/** Push events, engine → UI. Each domain adds its own entries here. */
export const events = {
  /** A job started, advanced, or ended. Throttled by the engine to a few per second per job. */
  'job.update': returns<JobInfo>(),
  /** The open project changed (opened, closed, or its strata.yaml was edited). */
  'project.changed': returns<ProjectSummary | null>(),
  /** A version of an artifact was recorded (by an add, the watcher or a run). */
  'artifact.versioned': returns<VersionedEvent>(),
  /** The artifact watcher started, stopped, or fell back to polling (with the reason). */
  'watch.status': returns<WatchStatus>(),
};
