import { BrowserWindow, nativeTheme } from 'electron';
import { APP_ENTRY, contractSwitches } from './policy.js';

export interface WindowOptions {
  preload: string;
  /** The contract's names, handed to the preload so it exposes those and nothing else. */
  callNames: readonly string[];
  eventNames: readonly string[];
  devTools: boolean;
}

/** The one window: a sandboxed, isolated renderer that reaches the engine only through the preload's bridge. */
export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Strata',
    show: false,
    // Avoids a white flash before the first paint in a dark theme.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1d21' : '#ffffff',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: opts.devTools,
      additionalArguments: contractSwitches(opts.callNames, opts.eventNames),
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY);
  return win;
}
