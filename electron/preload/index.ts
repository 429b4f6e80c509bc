// The whole surface the UI gets from Electron: window.strataBridge = { call, on }, for the contract's
// call and event names only (the main process passes them as switches; it validates every call again).
// Sandboxed preloads can require nothing but 'electron', so this file imports nothing else and repeats
// four strings of electron/main/policy.ts (test/unit/electron-bridge.test.ts keeps them equal).
import { contextBridge, ipcRenderer } from 'electron';

const CALL_CHANNEL = 'strata:call';
const EVENT_CHANNEL = 'strata:event';
const CALLS_SWITCH = '--strata-calls=';
const EVENTS_SWITCH = '--strata-events=';

type Handler = (payload: unknown) => void;

function namesFrom(prefix: string): Set<string> {
  const arg = process.argv.find((a) => a.startsWith(prefix)) ?? prefix;
  return new Set(arg.slice(prefix.length).split(',').filter(Boolean));
}

const callNames = namesFrom(CALLS_SWITCH);
const eventNames = namesFrom(EVENTS_SWITCH);
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
    if (!callNames.has(name))
      return Promise.resolve({
        ok: false,
        error: { code: 'UNKNOWN_CALL', message: `Unknown call ${JSON.stringify(name)}.` },
      });
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
