import { z } from 'zod';
import { returns } from './define.js';
import type { ProjectSummary } from './project.js';

export interface AppInfo {
  version: string;
  /** Where the engine runs: lets the UI offer a native folder picker only where one exists. */
  canPickFolder: boolean;
  examplePath: string | null;
  platform: string;
}

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
  exists: boolean;
}

export const appCalls = {
  'app.info': { params: z.object({}).strict(), result: returns<AppInfo>() },
  'app.pickFolder': { params: z.object({}).strict(), result: returns<{ path: string | null }>() },
  'recent.list': { params: z.object({}).strict(), result: returns<RecentProject[]>() },
  'recent.forget': {
    params: z.object({ path: z.string().min(1) }).strict(),
    result: returns<RecentProject[]>(),
  },
  /** Opens the user's own copy of the bundled example, made on first use, so the app's resources stay untouched. */
  'app.openExample': { params: z.object({}).strict(), result: returns<ProjectSummary>() },
};
