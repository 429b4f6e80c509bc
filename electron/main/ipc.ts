import { ipcMain, type BrowserWindow } from 'electron';
import type { Engine } from '../core/engine.js';
import { answerCall } from './answer.js';
import { CALL_CHANNEL, EVENT_CHANNEL } from './policy.js';

/** The single IPC entry point: `strata:call` (name, params) → { ok, result } | { ok: false, error }. */
export function serveCalls(engine: Engine): void {
  ipcMain.handle(CALL_CHANNEL, (event, name: unknown, params: unknown) => {
    const frame = event.senderFrame;
    return answerCall(
      engine,
      frame ? { url: frame.url, isMainFrame: frame.parent === null } : null,
      name,
      params,
    );
  });
}

/** Pushes every engine event to the window's UI until the window goes away. */
export function forwardEvents(engine: Engine, win: BrowserWindow): void {
  const unsubscribe = engine.subscribe((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event, payload);
  });
  win.once('closed', unsubscribe);
}
