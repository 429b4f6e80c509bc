// The prediction log's lines are spelled out by hand for speed: each must still be the JSON object
// docs/deploy.md describes, whatever the feature names and values.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { PredictionLog } from '../../electron/core/deploy/prediction-log.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir('strata-predlog-');
afterAll(() => t.cleanup());

function lines(dir: string): Record<string, unknown>[] {
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the prediction log', () => {
  it('writes one parseable line per row, renaming inputs that clash with its own keys', () => {
    const dir = path.join(t.dir, 'a');
    const log = new PredictionLog(dir);
    const names = ['id', 'prediction', 'quote"and\\slash', 'ünï', 'plain'];
    log.write(
      { model: 'm"odel', version: 3, request: 'req-1' },
      names,
      [
        [1, -0, 1e-7, 123456789.125, -2.5],
        [0.1, 2, 3, 4, 5],
      ],
      [0.25, [0.1, 0.9]],
      [[0.75, 0.25], null],
    );
    log.write({ model: 'm"odel', version: 3, request: 'req-2' }, ['x0'], [[7]], [1], null);
    log.close();
    const got = lines(dir);
    expect(got).toHaveLength(3);
    expect(got[0]).toEqual({
      id: 'req-1-0',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      model: 'm"odel',
      version: 3,
      request: 'req-1',
      'input.id': 1,
      'input.prediction': 0,
      'quote"and\\slash': 1e-7,
      ünï: 123456789.125,
      plain: -2.5,
      prediction: 0.25,
      probability: 0.25,
    });
    expect(Object.keys(got[0])).toEqual([
      'id',
      'time',
      'model',
      'version',
      'request',
      'input.id',
      'input.prediction',
      'quote"and\\slash',
      'ünï',
      'plain',
      'prediction',
      'probability',
    ]);
    expect(got[1]).toMatchObject({
      id: 'req-1-1',
      'input.id': 0.1,
      prediction: [0.1, 0.9],
      probability: null,
    });
    expect(got[2]).toEqual({
      id: 'req-2-0',
      time: expect.any(String),
      model: 'm"odel',
      version: 3,
      request: 'req-2',
      x0: 7,
      prediction: 1,
    });
  });

  it("logs class probabilities as CBPE reads them: the positive class's for two, else {class: p} when the classes are named, else the list", () => {
    const dir = path.join(t.dir, 'c');
    const named = new PredictionLog(dir, undefined, ['setosa', 'vers"icolor', '2']);
    const meta = { model: 'm', version: 1, request: 'r' };
    named.write(
      meta,
      ['x0'],
      [[1], [2], [3]],
      ['setosa', '2', 'setosa'],
      [
        [0.5, 0.25, 0.25],
        [0.1, NaN, 0.9],
        [0.6, 0.4],
      ],
    );
    named.close();
    expect(lines(dir).map((l) => l.probability)).toEqual([
      { setosa: 0.5, 'vers"icolor': 0.25, '2': 0.25 },
      { setosa: 0.1, 'vers"icolor': null, '2': 0.9 },
      0.4,
    ]);
    const other = path.join(t.dir, 'd');
    const unnamed = new PredictionLog(other);
    unnamed.write(meta, ['x0'], [[1]], [2], [[0.2, 0.3, 0.5]]);
    unnamed.close();
    expect(lines(other)[0].probability).toEqual([0.2, 0.3, 0.5]);
  });

  it('starts a new file once the current one passes its size', () => {
    const dir = path.join(t.dir, 'b');
    const log = new PredictionLog(dir, 200);
    for (let i = 0; i < 5; i++) {
      log.write({ model: 'm', version: 1, request: `r${i}` }, ['a', 'b'], [[i, i]], [i], null);
      log.flush();
    }
    log.close();
    expect(fs.readdirSync(dir).length).toBeGreaterThan(1);
    expect(lines(dir).map((l) => l.request)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });
});
