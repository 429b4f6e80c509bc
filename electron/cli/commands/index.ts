import type { Command } from '../command.js';
import { initCommand } from './init.js';
import { statusCommand } from './status.js';
import { uiCommand } from './ui.js';
import { addCommand } from './add.js';
import { versionsCommand } from './versions.js';
import { showCommand } from './show.js';
import { diffCommand } from './diff.js';
import { checkoutCommand } from './checkout.js';
import { tagCommand } from './tag.js';
import { fsckCommand } from './fsck.js';
import { gcCommand } from './gc.js';
import { runCommand } from './run.js';
import { runsCommand } from './runs.js';
import { logsCommand } from './logs.js';
import { cancelCommand } from './cancel.js';
import { compareCommand } from './compare.js';
import { clientCommand } from './client.js';
import { driftCommand } from './drift.js';
import { monitorCommand } from './monitor.js';
import { validateCommand } from './validate.js';
import { gatesCommand } from './gates.js';
import { reproduceCommand } from './reproduce.js';
import { reviewCommand } from './review.js';
import { deployCommand, deploymentsCommand, rollbackCommand, undeployCommand } from './deploy.js';
import { serveCommand } from './serve.js';
import { bundleCommand } from './bundle.js';
import { importCommand } from './import.js';
import { ctCommand } from './ct.js';
import { pullCommand, pushCommand, remoteCommand } from './remote.js';

/** Every `strata` subcommand. A domain adds its commands here. */
export const commands: Command[] = [
  initCommand,
  statusCommand,
  uiCommand,
  addCommand,
  versionsCommand,
  showCommand,
  diffCommand,
  checkoutCommand,
  tagCommand,
  fsckCommand,
  gcCommand,
  runCommand,
  runsCommand,
  logsCommand,
  cancelCommand,
  compareCommand,
  clientCommand,
  driftCommand,
  monitorCommand,
  validateCommand,
  gatesCommand,
  reproduceCommand,
  reviewCommand,
  deployCommand,
  deploymentsCommand,
  rollbackCommand,
  undeployCommand,
  serveCommand,
  bundleCommand,
  importCommand,
  ctCommand,
  pushCommand,
  pullCommand,
  remoteCommand,
];
