import { StrataError } from '../../shared/errors.js';

export interface FlagSpec {
  type: 'boolean' | 'string';
  help: string;
  /** one-letter alias, without the dash */
  short?: string;
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

/** A small, strict parser: unknown flags are an error, so a typo never silently changes behaviour. */
export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const positional: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  const byShort = new Map(
    Object.entries(spec)
      .filter(([, s]) => s.short)
      .map(([name, s]) => [s.short as string, name]),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') || (arg.startsWith('-') && arg.length === 2)) {
      const [rawName, inline] = arg.startsWith('--')
        ? splitOnce(arg.slice(2))
        : [byShort.get(arg.slice(1)) ?? arg.slice(1), undefined];
      const name = rawName;
      const s = spec[name];
      if (!s) throw new UsageError(`unknown option ${arg}`);
      if (s.type === 'boolean') {
        if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
        flags[name] = true;
      } else {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new UsageError(`option --${name} needs a value`);
        flags[name] = value;
      }
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}

function splitOnce(s: string): [string, string | undefined] {
  const i = s.indexOf('=');
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}
