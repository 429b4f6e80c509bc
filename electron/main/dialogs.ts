import { dialog, type BrowserWindow, type MessageBoxOptions, type OpenDialogOptions } from 'electron';
import type { MenuDialogs } from './menu-actions.js';

export const BUNDLE_EXTENSIONS = ['tar', 'tgz', 'gz'];

export interface NativeDialogs extends MenuDialogs {
  pickFolder(): Promise<string | null>;
  pickBundle(): Promise<string | null>;
}

/** Native dialogs, attached to the main window when there is one. */
export function nativeDialogs(window: () => BrowserWindow | null): NativeDialogs {
  return {
    async pickFolder() {
      const options: OpenDialogOptions = {
        title: 'Open a project folder',
        properties: ['openDirectory', 'createDirectory'],
      };
      const win = window();
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async pickBundle() {
      const options: OpenDialogOptions = {
        title: 'Open a deploy bundle',
        properties: ['openFile'],
        // strata bundle export writes a tar; read.ts also undoes gzip, so a compressed copy opens too.
        filters: [
          { name: 'Strata bundle', extensions: BUNDLE_EXTENSIONS },
          { name: 'All files', extensions: ['*'] },
        ],
      };
      const win = window();
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async confirmInit(dir) {
      const options: MessageBoxOptions = {
        type: 'question',
        buttons: ['Initialise', 'Cancel'],
        defaultId: 0,
        cancelId: 1,
        message: `${dir} is not a Strata project yet.`,
        detail:
          'Initialise it? Strata adds a strata.yaml (unless there is a dvc.yaml) and a .strata folder; nothing else in the folder changes.',
      };
      const win = window();
      const r = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return r.response === 0;
    },
    showError(title, message) {
      dialog.showErrorBox(title, message);
    },
  };
}
