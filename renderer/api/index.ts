import type { Api } from '../../shared/api/index.js';
import { createBridgeApi, type Bridge } from './bridge.js';
import { createHttpApi } from './http.js';

export interface Connected {
  api: Api;
  /** Reports the link to the engine going down and up. Electron's in-process bridge never goes down. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

/** The renderer receives its Api here, once; nothing else in the renderer knows which host it runs in. */
export function connectApi(): Connected {
  const bridge = (globalThis as { strataBridge?: Bridge }).strataBridge;
  if (bridge) return { api: createBridgeApi(bridge), onConnection: () => () => undefined };
  const api = createHttpApi();
  return { api, onConnection: (l) => api.onConnection(l) };
}
