import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { formatError, StrataError, toErrorData } from '../../shared/errors.js';
import { repoRoot } from '../helpers/cli.js';

describe('toErrorData', () => {
  it('keeps code, place and details of a StrataError and of error data that crossed a boundary', () => {
    const where = { file: '/p/strata.yaml', line: 3, column: 5 };
    const thrown = new StrataError('CONFIG_INVALID', 'bad kind', { where, details: [1] });
    expect(toErrorData(thrown)).toEqual({ code: 'CONFIG_INVALID', message: 'bad kind', where, details: [1] });
    // What an Api call rejects with in the renderer: plain data, no class.
    const crossed = JSON.parse(JSON.stringify(thrown)) as unknown;
    expect(toErrorData(crossed)).toEqual(toErrorData(thrown));
    expect(formatError(toErrorData(crossed))).toBe('/p/strata.yaml:3:5: bad kind');
  });

  it('turns anything else into INTERNAL with its message', () => {
    expect(toErrorData(new TypeError('x is undefined'))).toEqual({
      code: 'INTERNAL',
      message: 'x is undefined',
    });
    expect(toErrorData('plain')).toEqual({ code: 'INTERNAL', message: 'plain' });
    expect(toErrorData({ code: 'NOPE', message: 'm' })).toMatchObject({ code: 'INTERNAL' });
  });

  it('is written once, in shared/', () => {
    const r = spawnSync(
      'git',
      ['grep', '-l', '-E', 'function (toErrorData|formatWhere)\\b', '--', '*.ts', '*.tsx'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect(r.stdout.trim().split('\n')).toEqual(['shared/errors.ts']);
  });
});
