import { Menu } from 'electron';
import type { Engine } from '../core/engine.js';
import {
  closeProjectFlow,
  menuInputs,
  openProjectFlow,
  reviewProjectFlow,
  type MenuDialogs,
} from './menu-actions.js';
import { menuTemplate, type MenuActions } from './menu-template.js';

/** Installs the native menu and rebuilds it when the project (and with it the recent list) changes. */
export function installMenu(
  engine: Engine,
  dialogs: MenuDialogs,
  opts: { appName: string; devTools: boolean },
): void {
  const actions: MenuActions = {
    openProject: () => void openProjectFlow(engine, dialogs),
    reviewProject: () => void reviewProjectFlow(engine, dialogs),
    openRecent: (path) => void openProjectFlow(engine, dialogs, path),
    closeProject: () => void closeProjectFlow(engine, dialogs),
  };
  const rebuild = async (): Promise<void> => {
    const inputs = await menuInputs(engine);
    const template = menuTemplate(
      { platform: process.platform, appName: opts.appName, devTools: opts.devTools, ...inputs },
      actions,
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  const report = (err: unknown) => console.error('strata: cannot rebuild the menu:', err);
  rebuild().catch(report);
  engine.subscribe((event) => {
    if (event === 'project.changed') rebuild().catch(report);
  });
}
