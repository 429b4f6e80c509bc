import type { Api, CallName, EventName, Params, Payload, Result } from '../../shared/api/index.js';
import { StrataError, isStrataErrorData } from '../../shared/errors.js';

/** What electron/preload exposes on window.strataBridge: two functions, nothing else. */
export interface Bridge {
  call(name: string, params: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: unknown }>;
  on(event: string, handler: (payload: unknown) => void): () => void;
}

export function createBridgeApi(bridge: Bridge): Api {
  return {
    async call<K extends CallName>(name: K, params: Params<K>): Promise<Result<K>> {
      const res = await bridge.call(name, params ?? {});
      if (res.ok) return res.result as Result<K>;
      const e = res.error;
      if (isStrataErrorData(e))
        throw new StrataError(e.code, e.message, { where: e.where, details: e.details });
      throw new StrataError('INTERNAL', 'Unexpected answer from the engine.');
    },
    on<E extends EventName>(event: E, handler: (payload: Payload<E>) => void): () => void {
      return bridge.on(event, handler as (p: unknown) => void);
    },
  };
}
