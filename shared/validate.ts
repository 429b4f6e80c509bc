import { calls, isCallName, type CallName } from './api/index.js';
import { StrataError } from './errors.js';

/**
 * Checks a request that arrived over IPC or HTTP. Returns the parsed params or throws a
 * BAD_REQUEST/UNKNOWN_CALL StrataError naming the offending field; never lets bad input through.
 */
export function parseRequest(name: unknown, params: unknown): { name: CallName; params: unknown } {
  if (typeof name !== 'string' || !isCallName(name)) {
    throw new StrataError('UNKNOWN_CALL', `Unknown call ${JSON.stringify(name)}.`);
  }
  const schema = calls[name].params;
  const parsed = schema.safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : 'params';
    throw new StrataError('BAD_REQUEST', `${name}: ${field}: ${issue.message}`, {
      details: parsed.error.issues,
    });
  }
  return { name, params: parsed.data };
}
