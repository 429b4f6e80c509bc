import { isStrataErrorData, type StrataErrorData } from '../../shared/errors.js';

/** Anything thrown by an Api call, as the plain error data the UI shows. */
export function toErrorData(err: unknown): StrataErrorData {
  if (isStrataErrorData(err))
    return { code: err.code, message: err.message, where: err.where, details: err.details };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

export function formatWhere(err: StrataErrorData): string | null {
  if (!err.where) return null;
  return [err.where.file, err.where.line, err.where.column].filter((p) => p !== undefined).join(':');
}
