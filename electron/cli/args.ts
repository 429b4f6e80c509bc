import { parseArgs as nodeParseArgs } from 'node:util';
import { StrataError } from '../../shared/errors.js';

export interface FlagSpec {
  type: 'boolean' | 'string';
  help: string;
  /** one-letter alias, without the dash */
  short?: string;
  /** a string flag that may be given more than once: its values, in order, joined by newlines */
  repeat?: boolean;
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean | undefined>;
}

export class UsageError extends StrataError {
  constructor(message: string) {
    super('BAD_REQUEST', message);
  }
}

/**
 * Node's util.parseArgs reads the tokens (clusters of short flags, `--name=value`, `--`); the checks
 * are ours, so the messages stay ours. Strict: an unknown flag is an error, so a typo never silently
 * changes behaviour. A string flag takes the next argument whatever it looks like (`--port -1`).
 */
export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const { tokens } = nodeParseArgs({
    args: argv,
    options: Object.fromEntries(
      Object.entries(spec).map(([name, s]) => [
        name,
        s.short ? { type: s.type, short: s.short } : { type: s.type },
      ]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positional: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (const token of tokens) {
    if (token.kind === 'positional') positional.push(token.value);
    if (token.kind !== 'option') continue;
    const s = spec[token.name];
    if (!s) throw new UsageError(`unknown option ${token.inlineValue ? argv[token.index] : token.rawName}`);
    if (s.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`option --${token.name} takes no value`);
      flags[token.name] = true;
    } else {
      if (token.value === undefined) throw new UsageError(`option --${token.name} needs a value`);
      const before = flags[token.name];
      flags[token.name] = s.repeat && typeof before === 'string' ? `${before}\n${token.value}` : token.value;
    }
  }
  return { positional, flags };
}
