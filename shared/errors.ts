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
    const data: StrataErrorData = { code: this.code, message: this.message };
    if (this.where) data.where = this.where;
    if (this.details !== undefined) data.details = this.details;
    return data;
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

/** One line for a terminal or a toast: "file:line:col: message" when the error has a place. */
export function formatError(err: StrataErrorData): string {
  if (!err.where) return err.message;
  const pos = [err.where.file, err.where.line, err.where.column].filter((p) => p !== undefined).join(':');
  return `${pos}: ${err.message}`;
}
