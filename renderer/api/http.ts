import type { Api, CallName, EventName, Params, Payload, Result } from '../../shared/api/index.js';
import { isEventName } from '../../shared/api/index.js';
import { StrataError, isStrataErrorData } from '../../shared/errors.js';

type Handler = (payload: unknown) => void;
type ConnectionListener = (connected: boolean) => void;

/** The browser host's Api, plus whether its event stream is up: the tab outlives a stopped `strata ui`. */
export interface HttpApi extends Api {
  onConnection(listener: ConnectionListener): () => void;
}

/**
 * The browser host's Api: requests are POSTs to /api/call/<name>, push events arrive over one
 * EventSource. The session cookie set by the host authenticates both.
 */
export function createHttpApi(base = ''): HttpApi {
  const handlers = new Map<EventName, Set<Handler>>();
  const connectionListeners = new Set<ConnectionListener>();
  // One EventSource listener per event name for the page's life, however often handlers come and go.
  const listening = new Set<EventName>();
  let source: EventSource | null = null;

  function ensureSource(event: EventName): void {
    if (!source) {
      source = new EventSource(`${base}/api/events`);
      // EventSource retries by itself; these only report whether the stream is up right now.
      source.addEventListener('open', () => connectionListeners.forEach((l) => l(true)));
      source.addEventListener('error', () => connectionListeners.forEach((l) => l(false)));
    }
    if (!listening.has(event)) {
      listening.add(event);
      source.addEventListener(event, (e) => {
        let payload: unknown;
        try {
          payload = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const h of handlers.get(event) ?? []) h(payload);
      });
    }
  }

  return {
    async call<K extends CallName>(name: K, params: Params<K>): Promise<Result<K>> {
      let res: Response;
      try {
        res = await fetch(`${base}/api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(params ?? {}),
          credentials: 'same-origin',
        });
      } catch (err) {
        throw new StrataError(
          'INTERNAL',
          `Lost contact with the Strata engine (${(err as Error).message}). Is \`strata ui\` still running?`,
        );
      }
      if (res.status === 401)
        throw new StrataError(
          'UNAUTHORIZED',
          'This page is not signed in to Strata: open the URL that `strata ui` printed.',
        );
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new StrataError('INTERNAL', `The engine answered ${res.status} without JSON.`);
      }
      const b = body as { ok?: boolean; result?: unknown; error?: unknown };
      if (b.ok) return b.result as Result<K>;
      if (isStrataErrorData(b.error))
        throw new StrataError(b.error.code, b.error.message, {
          where: b.error.where,
          details: b.error.details,
        });
      throw new StrataError('INTERNAL', `Unexpected answer from the engine (${res.status}).`);
    },
    on<E extends EventName>(event: E, handler: (payload: Payload<E>) => void): () => void {
      if (!isEventName(event)) throw new Error(`unknown event ${event}`);
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler as Handler);
      ensureSource(event);
      return () => set.delete(handler as Handler);
    },
    onConnection(listener: ConnectionListener): () => void {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}
