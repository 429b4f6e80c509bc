import type { RecentProject } from '../../shared/api/app.js';

/** The subset of Electron's MenuItemConstructorOptions we use; kept here so this file runs without Electron. */
export type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'windowMenu';

export interface MenuItemSpec {
  label?: string;
  role?: MenuRole;
  type?: 'separator';
  accelerator?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItemSpec[];
}

export interface MenuActions {
  openProject(): void;
  /** open a project read-only, for review */
  reviewProject(): void;
  openRecent(path: string): void;
  closeProject(): void;
}

export interface MenuState {
  platform: NodeJS.Platform;
  appName: string;
  recent: readonly RecentProject[];
  hasProject: boolean;
  /** Developer tools only in development builds. */
  devTools: boolean;
}

const separator: MenuItemSpec = { type: 'separator' };

function recentItems(recent: readonly RecentProject[], actions: MenuActions): MenuItemSpec[] {
  if (recent.length === 0) return [{ label: 'No Recent Projects', enabled: false }];
  // A project that was moved or deleted stays listed, greyed out, so the user sees why it will not open.
  return recent.map((r) => ({
    label: `${r.name} — ${r.path}`,
    enabled: r.exists,
    click: () => actions.openRecent(r.path),
  }));
}

/** The native menu. Rebuilt whenever the open project or the recent list changes. */
export function menuTemplate(state: MenuState, actions: MenuActions): MenuItemSpec[] {
  const mac = state.platform === 'darwin';
  const file: MenuItemSpec = {
    label: 'File',
    submenu: [
      { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
      { label: 'Open Recent', submenu: recentItems(state.recent, actions) },
      { label: 'Open for Review (Read-Only)…', click: () => actions.reviewProject() },
      separator,
      {
        label: 'Close Project',
        accelerator: 'CmdOrCtrl+W',
        enabled: state.hasProject,
        click: () => actions.closeProject(),
      },
      // On macOS Quit lives in the app menu.
      ...(mac
        ? []
        : [separator, { label: 'Quit', role: 'quit', accelerator: 'CmdOrCtrl+Q' } satisfies MenuItemSpec]),
    ],
  };
  const edit: MenuItemSpec = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } satisfies MenuItemSpec] : []),
      { role: 'delete' },
      separator,
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemSpec = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      ...(state.devTools ? [{ role: 'toggleDevTools' } satisfies MenuItemSpec] : []),
      separator,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };
  if (!mac) return [file, edit, view];
  const appMenu: MenuItemSpec = {
    label: state.appName,
    submenu: [
      { role: 'about' },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  };
  return [appMenu, file, edit, view, { role: 'windowMenu' }];
}
