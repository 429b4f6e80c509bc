import { describe, expect, it } from 'vitest';
import { parseArgs, type FlagSpec } from '../../electron/cli/args.js';

const spec: Record<string, FlagSpec> = {
  json: { type: 'boolean', help: 'json', short: 'j' },
  'no-open': { type: 'boolean', help: 'do not open' },
  message: { type: 'string', help: 'a message', short: 'm' },
  port: { type: 'string', help: 'a port' },
};

describe('CLI arguments', () => {
  it('reads positionals, boolean and string flags in any order, --name=value, short aliases and --', () => {
    expect(parseArgs(['a', '--json', 'b', '--no-open'], spec)).toEqual({
      positional: ['a', 'b'],
      flags: { json: true, 'no-open': true },
    });
    expect(parseArgs(['--message', 'hi there', '-j', '--port=8080', 'x'], spec)).toEqual({
      positional: ['x'],
      flags: { message: 'hi there', json: true, port: '8080' },
    });
    expect(parseArgs(['-m', 'first', '--message=a=b'], spec).flags).toEqual({ message: 'a=b' });
    // A string flag takes the next argument even when it starts with a dash.
    expect(parseArgs(['--port', '-1'], spec).flags).toEqual({ port: '-1' });
    expect(parseArgs(['-', '--', '--json', '-x'], spec)).toEqual({
      positional: ['-', '--json', '-x'],
      flags: {},
    });
  });

  it('keeps its error messages', () => {
    const error = (argv: string[]) => {
      try {
        parseArgs(argv, spec);
      } catch (err) {
        return [(err as { code: string }).code, (err as Error).message];
      }
      return null;
    };
    expect(error(['--jsn'])).toEqual(['BAD_REQUEST', 'unknown option --jsn']);
    expect(error(['--jsn=1'])).toEqual(['BAD_REQUEST', 'unknown option --jsn=1']);
    expect(error(['x', '-z'])).toEqual(['BAD_REQUEST', 'unknown option -z']);
    expect(error(['-5'])).toEqual(['BAD_REQUEST', 'unknown option -5']);
    expect(error(['--json=yes'])).toEqual(['BAD_REQUEST', 'option --json takes no value']);
    expect(error(['--json='])).toEqual(['BAD_REQUEST', 'option --json takes no value']);
    expect(error(['--message'])).toEqual(['BAD_REQUEST', 'option --message needs a value']);
    expect(error(['-m'])).toEqual(['BAD_REQUEST', 'option --message needs a value']);
  });
});
