// The whole surface the UI gets from Electron: window.strataBridge = { call, on }. Every call goes to
// one IPC channel that the main process checks and validates; `on` accepts only the contract's event
// names. Sandboxed preloads can require nothing but 'electron', so this file imports nothing else and
// repeats three strings of electron/main/policy.ts (test/unit/electron-preload.test.ts keeps them equal).
import { contextBridge, ipcRenderer } from 'electron';

const CALL_CHANNEL = 'strata:call';
const EVENT_CHANNEL = 'strata:event';
const EVENTS_SWITCH = '--strata-events=';

type Handler = (payload: unknown) => void;

const eventNames = new Set(
  (process.argv.find((a) => a.startsWith(EVENTS_SWITCH)) ?? EVENTS_SWITCH).slice(EVENTS_SWITCH.length).split(',').filter(Boolean),
);
const handlers = new Map<string, Set<Handler>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const handler of [...(handlers.get(name) ?? [])]) {
    try {
      handler(payload);
    } catch (err) {
      // One failing subscriber must not starve the others; the error still reaches the console.
      console.error(err);
    }
  }
});

contextBridge.exposeInMainWorld('strataBridge', {
  call(name: string, params: unknown): Promise<unknown> {
    return ipcRenderer.invoke(CALL_CHANNEL, name, params);
  },
  on(event: string, handler: Handler): () => void {
    if (!eventNames.has(event)) throw new Error(`strataBridge.on: unknown event ${JSON.stringify(event)}`);
    if (typeof handler !== 'function') throw new Error('strataBridge.on: the handler must be a function');
    let set = handlers.get(event);
    if (!set) handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  },
});
