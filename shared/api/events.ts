import { returns } from './define.js';
import type { JobInfo } from './jobs.js';
import type { VersionedEvent, WatchStatus } from './artifacts.js';
import type { ProjectSummary } from './project.js';
import type { RunLogEvent, RunSummary } from './runs.js';
import type { DriftAlert } from './drift.js';
import type { ValidationSummary } from './validation.js';
import type { CtCycle, CtStatus } from './ct.js';

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
  /** A run started, a stage of it changed state, or it ended. */
  'run.update': returns<RunSummary>(),
  /**
   * A pipeline run found every stage up to date and ran nothing: its record was dropped (a run that
   * did nothing is no run). `run` is its last state, with each stage's reason.
   */
  'run.removed': returns<{ run: RunSummary; reason: string }>(),
  /** Output of a running stage, as it is printed (until the stage's log cap). */
  'run.log': returns<RunLogEvent>(),
  /** New points were stored for these metric keys of a run. */
  'run.metrics': returns<{ runId: string; keys: string[] }>(),
  /** A monitor read new windows or labels (or failed: its state carries the error). */
  'drift.updated': returns<{ monitor: string }>(),
  /** A monitor's newest window drifted or a concept-drift detector fired: the UI notifies. */
  'drift.alert': returns<DriftAlert>(),
  /** A dataset version was validated as it was recorded (the watcher, an add, a run). */
  'validation.report': returns<ValidationSummary>(),
  /** A CT cycle started, moved to its next step, waits for approval, or ended: the UI notifies. */
  'ct.cycle': returns<CtCycle>(),
  /** The CT loop was paused or resumed, or its pending triggers changed. */
  'ct.status': returns<CtStatus>(),
  /** The desktop shell asks the window to show a place (a notification was clicked): a route hash. */
  'app.show': returns<{ to: string }>(),
};
