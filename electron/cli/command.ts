import type { FlagSpec, ParsedArgs } from './args.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Longer help after the usage line. */
  description?: string;
  flags: Record<string, FlagSpec>;
  /** Returns the exit code. Throw a StrataError for a failure the user should read. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}

export const jsonFlag: Record<string, FlagSpec> = {
  json: { type: 'boolean', help: 'print machine-readable JSON' },
};

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
