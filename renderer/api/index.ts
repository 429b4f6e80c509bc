import type { Api } from '../../shared/api/index.js';
import { createBridgeApi, type Bridge } from './bridge.js';
import { createHttpApi } from './http.js';

/** The renderer receives its Api here, once; nothing else in the renderer knows which host it runs in. */
export function connectApi(): Api {
  const bridge = (globalThis as { strataBridge?: Bridge }).strataBridge;
  return bridge ? createBridgeApi(bridge) : createHttpApi();
}
