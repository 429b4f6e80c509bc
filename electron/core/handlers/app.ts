import { appCalls } from '../../../shared/api/app.js';
import type { Handlers } from '../engine.js';
import { forgetRecent, listRecent } from '../app/recent.js';
import { appDataDir, examplePath } from '../app/paths.js';
import { appVersion } from '../app/version.js';
import { clientsDir } from '../pipeline/env.js';
import { StrataError } from '../../../shared/errors.js';
import { explainFsError } from '../project/project.js';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The example is copied whole into a temp folder and renamed into place, so an interrupted copy never
 * leaves a half example that later opens as if it were complete.
 */
function exampleCopy(): string {
  const source = examplePath();
  if (!fs.existsSync(source))
    throw new StrataError('NOT_FOUND', `The bundled example is missing from this installation (${source}).`, {
      where: { file: source },
    });
  const dest = path.join(appDataDir(), 'examples', 'churn-example');
  if (fs.existsSync(dest)) return dest;
  const tmp = `${dest}.${process.pid}.tmp`;
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(source, tmp, { recursive: true, filter: (p) => path.basename(p) !== '.strata' });
    fs.renameSync(tmp, dest);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw explainFsError(err, 'Cannot copy the example project', dest);
  }
  return dest;
}

export const appHandlers: Handlers<typeof appCalls> = {
  'app.clients': () => {
    const dir = clientsDir();
    return {
      python: path.join(dir, 'python'),
      node: path.join(dir, 'node'),
      nodeEntry: path.join(dir, 'node', 'strata-client.mjs'),
    };
  },
  'app.info': (_p, engine) => {
    const example = examplePath();
    return {
      version: appVersion(),
      canPickFolder: Boolean(engine.hooks.pickFolder),
      canPickBundle: Boolean(engine.hooks.pickBundle),
      examplePath: fs.existsSync(example) ? example : null,
      platform: process.platform,
    };
  },
  'app.pickFolder': async (_p, engine) => ({
    path: engine.hooks.pickFolder ? await engine.hooks.pickFolder() : null,
  }),
  'app.pickBundle': async (_p, engine) => ({
    path: engine.hooks.pickBundle ? await engine.hooks.pickBundle() : null,
  }),
  'recent.list': () => listRecent(),
  'recent.forget': ({ path }) => forgetRecent(path),
  'app.openExample': (_p, engine) => {
    engine.openProject(exampleCopy(), 'open');
    return engine.summary()!;
  },
};
