import path from 'node:path';
import { appRoot } from '../app/paths.js';

/** Variables Strata itself carries that a step must never inherit. */
const DROP_EXACT = new Set(['ELECTRON_RUN_AS_NODE', 'NODE_OPTIONS', 'ELECTRON_NO_ATTACH_CONSOLE']);
/** The UI token and anything secret-looking of Strata's own: STRATA_TOKEN, STRATA_UI_SECRET… */
const DROP_STRATA = /^STRATA_.*(TOKEN|SECRET|PASSWORD|KEY|COOKIE)/i;

export function clientsDir(): string {
  return path.join(appRoot(), 'resources', 'clients');
}

export interface StepEnvInput {
  runId: string;
  runDir: string;
  projectRoot: string;
  stage: string;
  trackingFile: string;
}

/**
 * The environment of a step: the user's own, minus what belongs to Strata, plus STRATA_* (where the
 * run is, where to log) and the Python client on PYTHONPATH. Any other STRATA_* the user set for the
 * app is dropped too, so a step sees exactly the variables this run defines.
 */
export function stepEnv(base: NodeJS.ProcessEnv, input: StepEnvInput): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || DROP_EXACT.has(k) || DROP_STRATA.test(k) || k.startsWith('STRATA_')) continue;
    env[k] = v;
  }
  const clients = clientsDir();
  const python = path.join(clients, 'python');
  env.PYTHONPATH = env.PYTHONPATH ? `${python}${path.delimiter}${env.PYTHONPATH}` : python;
  env.STRATA_RUN_ID = input.runId;
  env.STRATA_RUN_DIR = input.runDir;
  env.STRATA_PROJECT = input.projectRoot;
  env.STRATA_STAGE = input.stage;
  env.STRATA_TRACKING_FILE = input.trackingFile;
  env.STRATA_NODE_CLIENT = path.join(clients, 'node', 'strata-client.mjs');
  return env;
}
