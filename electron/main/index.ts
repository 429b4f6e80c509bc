// The Electron host: one engine, one window, one IPC channel. Everything it decides is in pure modules
// next to this one (policy, app-files, answer, menu-template, menu-actions, node-shim), tested under Node.
import path from 'node:path';
import { app, session, type BrowserWindow } from 'electron';
import { calls, events } from '../../shared/api/index.js';
import { Engine } from '../core/engine.js';
import { appDataDir, appRoot } from '../core/app/paths.js';
import { nativeDialogs } from './dialogs.js';
import { hardenContents, hardenSession } from './harden.js';
import { forwardEvents, serveCalls } from './ipc.js';
import { installMenu } from './menu.js';
import { notifyAlerts } from './notify.js';
import { openProjectFlow } from './menu-actions.js';
import { pathWithNode } from './node-shim.js';
import { projectArg } from './policy.js';
import { registerAppScheme, serveApp } from './protocol.js';
import { createMainWindow } from './window.js';

// Chromium's profile goes under Strata's own app-data folder (and STRATA_HOME in tests), instead of
// a second folder named after package.json that would clash with it on case-insensitive disks.
app.setName('Strata');
app.setPath('userData', path.join(appDataDir(), 'electron'));
registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another Strata is running: it received our argv through 'second-instance' and opens the folder.
  app.quit();
} else {
  start();
}

function start(): void {
  // Set once, before any pipeline runs: child processes inherit it.
  process.env.PATH = pathWithNode(
    process.env.PATH,
    path.join(app.getPath('userData'), 'bin'),
    process.execPath,
  );
  let win: BrowserWindow | null = null;
  const dialogs = nativeDialogs(() => win);
  const engine = new Engine({
    pickFolder: () => dialogs.pickFolder(),
    pickBundle: () => dialogs.pickBundle(),
  });
  const devTools = !app.isPackaged;

  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    const dir = projectArg(argv, app.isPackaged);
    if (dir) void openProjectFlow(engine, dialogs, path.resolve(workingDirectory, dir));
  });
  app.on('window-all-closed', () => app.quit());
  // Quitting waits for the engine: a pipeline step's process group stopped, workers done writing
  // into .strata/, the database closed. app.exit() does not emit will-quit again.
  app.on('will-quit', (event) => {
    event.preventDefault();
    void engine.shutdown().finally(() => app.exit(0));
  });

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession);
    serveApp(path.join(appRoot(), 'dist', 'renderer'));
    serveCalls(engine);
    installMenu(engine, dialogs, { appName: app.name, devTools });
    const dir = projectArg(process.argv, app.isPackaged);
    // Opened before the window exists, so the UI starts on the project rather than flashing the start screen.
    if (dir) await openProjectFlow(engine, dialogs, path.resolve(dir));
    win = createMainWindow({
      preload: path.join(import.meta.dirname, '..', 'preload', 'index.js'),
      callNames: Object.keys(calls),
      eventNames: Object.keys(events),
      devTools,
    });
    forwardEvents(engine, win);
    notifyAlerts(engine, () => win);
    win.on('closed', () => (win = null));
  });
}
