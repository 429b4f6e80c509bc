import { z } from 'zod';
import { returns } from './define.js';
import type { ProjectSummary } from './project.js';

export interface AppInfo {
  version: string;
  /** Where the engine runs: lets the UI offer a native folder picker only where one exists. */
  canPickFolder: boolean;
  /** the host has a native picker for a bundle file (Electron); a browser tab takes a typed path */
  canPickBundle: boolean;
  examplePath: string | null;
  platform: string;
}

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
  exists: boolean;
}

/** Where the tracking clients are, for `pip install`, PYTHONPATH or an import from Node. */
export interface ClientPaths {
  /** the folder to `pip install` (pyproject.toml), also the one to put on PYTHONPATH */
  python: string;
  /** the Node client's folder (package.json), also its entry file's folder */
  node: string;
  nodeEntry: string;
}

export const appCalls = {
  'app.clients': { params: z.object({}).strict(), result: returns<ClientPaths>() },
  'app.info': { params: z.object({}).strict(), result: returns<AppInfo>() },
  'app.pickFolder': { params: z.object({}).strict(), result: returns<{ path: string | null }>() },
  /** The host's native file picker, for a deploy bundle; null when cancelled or the host has none. */
  'app.pickBundle': { params: z.object({}).strict(), result: returns<{ path: string | null }>() },
  'recent.list': { params: z.object({}).strict(), result: returns<RecentProject[]>() },
  'recent.forget': {
    params: z.object({ path: z.string().min(1) }).strict(),
    result: returns<RecentProject[]>(),
  },
  /** Opens the user's own copy of the bundled example, made on first use, so the app's resources stay untouched. */
  'app.openExample': { params: z.object({}).strict(), result: returns<ProjectSummary>() },
};
