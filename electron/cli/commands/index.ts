import type { Command } from '../command.js';
import { initCommand } from './init.js';
import { statusCommand } from './status.js';
import { uiCommand } from './ui.js';

/** Every `strata` subcommand. A domain adds its commands here. */
export const commands: Command[] = [initCommand, statusCommand, uiCommand];
