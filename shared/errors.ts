// Errors that cross a process or network boundary travel as plain data: a code the UI can branch on,
// a message a person can read, and optionally where it happened (a file and a line).
export const errorCodes = [
  'BAD_REQUEST',
  'UNKNOWN_CALL',
  'NOT_FOUND',
  'NOT_A_PROJECT',
  'PROJECT_MISSING',
  'CONFIG_INVALID',
  'SCHEMA_TOO_NEW',
  'SCHEMA_MISMATCH',
  'DB_LOCKED',
  'READ_ONLY',
  'PERMISSION_DENIED',
  'DISK_FULL',
  'PATH_ESCAPES_PROJECT',
  'CONFLICT',
  'CANCELLED',
  'UNAUTHORIZED',
  'INTERNAL',
  /** a data file cannot be read as the table it claims to be (ragged rows, bad encoding…) */
  'DATA_INVALID',
  /** a version fails the gates that decide whether it may be promoted or deployed */
  'GATE_FAILED',
  /** a deploy did not reach a healthy, answering service (the reason and the server's output say why) */
  'DEPLOY_FAILED',
  'PORT_IN_USE',
  /** a bundle file is damaged, tampered with, signed by an unknown key or unsafe to extract */
  'BUNDLE_INVALID',
  /** a remote could not be reached, or what it holds is missing or does not match its name */
  'REMOTE_FAILED',
  /** what was asked for is not in this store but on a remote (details: a RemoteCheckout); pulling it is offered */
  'ON_REMOTE',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface StrataErrorData {
  code: ErrorCode;
  message: string;
  where?: ErrorLocation;
  details?: unknown;
}

export class StrataError extends Error implements StrataErrorData {
  readonly code: ErrorCode;
  readonly where?: ErrorLocation;
  readonly details?: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    extra: { where?: ErrorLocation; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'StrataError';
    this.code = code;
    this.where = extra.where;
    this.details = extra.details;
  }

  toJSON(): StrataErrorData {
    return toErrorData(this);
  }
}

export function isStrataErrorData(value: unknown): value is StrataErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    (errorCodes as readonly string[]).includes(v.code) &&
    typeof v.message === 'string'
  );
}

/**
 * Anything thrown, as the plain data that crosses a boundary: a StrataError, or error data that
 * already crossed one, keeps its code, place and details; anything else is INTERNAL with its message.
 */
export function toErrorData(err: unknown): StrataErrorData {
  if (!isStrataErrorData(err))
    return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
  const data: StrataErrorData = { code: err.code, message: err.message };
  if (err.where) data.where = err.where;
  if (err.details !== undefined) data.details = err.details;
  return data;
}

/** "file:line:col" of an error that has a place. */
export function formatWhere(err: StrataErrorData): string | null {
  if (!err.where) return null;
  return [err.where.file, err.where.line, err.where.column].filter((p) => p !== undefined).join(':');
}

/** One line for a terminal or a toast: "file:line:col: message" when the error has a place. */
export function formatError(err: StrataErrorData): string {
  const where = formatWhere(err);
  return where ? `${where}: ${err.message}` : err.message;
}
