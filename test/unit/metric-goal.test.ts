// Which way is better for a metric: strata.yaml's `metrics:` says so, else the metric's name, else
// nobody knows and the UI colours nothing. A bad goal is a config error with its line.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../electron/core/config/load.js';
import { goalOf, inferGoal } from '../../shared/metric-goal.js';
import { StrataError } from '../../shared/errors.js';
import { tempDir } from '../helpers/cli.js';

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function projectWith(yaml: string): string {
  const t = tempDir('strata-goal-');
  cleanup = t.cleanup;
  fs.writeFileSync(path.join(t.dir, 'strata.yaml'), yaml);
  return t.dir;
}

describe('metric goals', () => {
  it('reads the direction from the words of a name', () => {
    for (const k of ['loss', 'val_loss', 'train/loss', 'test.error', 'rmse', 'MAE', 'eval-mse'])
      expect(inferGoal(k), k).toBe('minimize');
    for (const k of [
      'accuracy',
      'val_acc',
      'test.f1',
      'roc_auc',
      'precision',
      'recall',
      'r2',
      'test.accuracy',
    ])
      expect(inferGoal(k), k).toBe('maximize');
    for (const k of ['lr', 'epoch', 'throughput', 'loss_scale_factor_x', 'accurate', 'f10'])
      expect(inferGoal(k), k).toBe(k === 'loss_scale_factor_x' ? 'minimize' : null);
  });

  it('takes the goal strata.yaml sets over the name, per metric', () => {
    const dir = projectWith('metrics:\n  test.f1: { goal: minimize }\n  throughput:\n    goal: maximize\n');
    const configured = loadConfig(dir).config.metrics;
    expect(goalOf('test.f1', configured)).toBe('minimize');
    expect(goalOf('throughput', configured)).toBe('maximize');
    expect(goalOf('loss', configured)).toBe('minimize');
    expect(goalOf('epoch', configured)).toBeNull();
  });

  it('refuses a goal that is neither maximize nor minimize, naming the line', () => {
    const dir = projectWith('name: x\nmetrics:\n  loss:\n    goal: lower\n');
    let err: unknown;
    try {
      loadConfig(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StrataError);
    expect((err as StrataError).code).toBe('CONFIG_INVALID');
    expect((err as StrataError).message).toMatch(/^metrics\.loss\.goal: .*"maximize"\|"minimize"/);
    expect((err as StrataError).where).toMatchObject({ file: path.join(dir, 'strata.yaml'), line: 4 });
  });
});
