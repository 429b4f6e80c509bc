import { toErrorData, type StrataErrorData } from '../../shared/errors.js';
import { APP_ORIGIN, isTrustedSender, type SenderFrame } from './policy.js';

export type Answer = { ok: true; result: unknown } | { ok: false; error: StrataErrorData };

interface CallTarget {
  call(name: unknown, params: unknown): Promise<unknown>;
}

/**
 * One IPC request from a renderer. The sender is checked before anything else, so a frame that is not
 * our UI learns nothing and changes nothing; the engine then validates name and params against the
 * contract. Failures come back as data, in the same shape the browser host sends.
 */
export async function answerCall(
  engine: CallTarget,
  frame: SenderFrame | null,
  name: unknown,
  params: unknown,
): Promise<Answer> {
  if (!isTrustedSender(frame)) {
    const from = frame ? `${frame.isMainFrame ? '' : 'a sub-frame of '}${frame.url}` : 'a destroyed frame';
    return {
      ok: false,
      error: {
        code: 'UNAUTHORIZED',
        message: `Refused a call from ${from}: only the Strata UI (${APP_ORIGIN}/) may call the engine.`,
      },
    };
  }
  try {
    return { ok: true, result: (await engine.call(name, params)) ?? null };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}
