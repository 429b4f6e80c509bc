import { appCalls } from '../../../shared/api/app.js';
import type { Handlers } from '../engine.js';
import { forgetRecent, listRecent } from '../app/recent.js';
import { examplePath } from '../app/paths.js';
import { appVersion } from '../app/version.js';
import fs from 'node:fs';

export const appHandlers: Handlers<typeof appCalls> = {
  'app.info': (_p, engine) => {
    const example = examplePath();
    return {
      version: appVersion(),
      canPickFolder: Boolean(engine.hooks.pickFolder),
      examplePath: fs.existsSync(example) ? example : null,
      platform: process.platform,
    };
  },
  'app.pickFolder': async (_p, engine) => ({ path: engine.hooks.pickFolder ? await engine.hooks.pickFolder() : null }),
  'recent.list': () => listRecent(),
  'recent.forget': ({ path }) => forgetRecent(path),
};
