import path from 'node:path';
import { Engine } from '../core/engine.js';
import { appDataDir, appRoot } from '../core/app/paths.js';
import { inspectFolder } from '../core/project/project.js';
import { writeLaunchFile } from './launch-file.js';
import { startBrowserHost } from './server.js';

export interface UiServer {
  /** Carries the launch token: for the user's terminal only. */
  url: string;
  /** The folder asked for when it is not a project yet (the UI offers to initialise it). */
  notAProject: string | null;
  /** A private file that signs a browser in once (see launchUrl); removed once it is spent. */
  launchFile(ttlMs: number): string;
  close(): Promise<void>;
}

/**
 * `strata ui`: an engine with every service of a long-running host, the folder opened when it is a
 * project, and the browser host in front of it.
 */
export async function startUiServer(opts: {
  dir?: string;
  port: number;
  /** review mode: nothing is written into the project (see Engine's readOnly) */
  readOnly?: boolean;
}): Promise<UiServer> {
  const engine = new Engine({ readOnly: opts.readOnly });
  const dir = opts.dir === undefined ? undefined : path.resolve(opts.dir);
  // A folder that is not a project yet opens to the start screen, which offers to initialise it.
  if (dir && inspectFolder(dir).kind === 'project') engine.openProject(dir);
  const host = await startBrowserHost({
    engine,
    port: opts.port,
    staticDir: path.join(appRoot(), 'dist', 'renderer'),
  });
  return {
    url: host.url,
    notAProject: dir && !engine.project ? dir : null,
    launchFile: (ttlMs) => {
      const launch = host.launchUrl(ttlMs);
      const file = writeLaunchFile(path.join(appDataDir(), 'runtime'), launch.url);
      void launch.spent.then(() => file.remove());
      return file.file;
    },
    close: async () => {
      await host.close();
      await engine.shutdown();
    },
  };
}
