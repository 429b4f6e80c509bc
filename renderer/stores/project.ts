import { create } from 'zustand';
import type { AppInfo, ProjectSummary } from '../../shared/api/index.js';
import type { StrataErrorData } from '../../shared/errors.js';

interface ProjectState {
  /** False until the first project.current answer: the shell shows nothing rather than flash the start screen. */
  ready: boolean;
  info: AppInfo | null;
  project: ProjectSummary | null;
  /** The engine could not be reached at all (not signed in, host gone). */
  fatal: StrataErrorData | null;
  /** The event stream to the engine is down (`strata ui` stopped, or the laptop slept). */
  offline: boolean;
  setOffline(offline: boolean): void;
  setProject(project: ProjectSummary | null): void;
  setInfo(info: AppInfo): void;
  setFatal(error: StrataErrorData): void;
}

export const useProjectStore = create<ProjectState>()((set) => ({
  ready: false,
  info: null,
  project: null,
  fatal: null,
  offline: false,
  setOffline: (offline) => set({ offline }),
  setProject: (project) => set({ project, ready: true }),
  setInfo: (info) => set({ info }),
  setFatal: (fatal) => set({ fatal, ready: true }),
}));
