import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { Engine } from '../../electron/core/engine.js';
import { validateOnRecord } from '../../electron/core/validation/on-record.js';
import type { ValidationSummary } from '../../shared/api/validation.js';

const t = tempDir('strata-onrecord-');
afterAll(() => t.cleanup());

describe('validation on record', () => {
  it('validates a new version of a dataset with rules as soon as it is recorded, and tells the UI', async () => {
    const root = path.join(t.dir, 'p');
    fs.mkdirSync(root);
    fs.writeFileSync(
      path.join(root, 'strata.yaml'),
      'artifacts: {}\nstages: {}\nvalidations:\n  d:\n    rules:\n      - { column: a, min: 0 }\n',
    );
    fs.writeFileSync(path.join(root, 'd.csv'), 'a\n1\n-5\n');
    const engine = new Engine({ services: [validateOnRecord], rememberRecent: false });
    try {
      engine.openProject(root);
      const reported = new Promise<ValidationSummary>((resolve) =>
        engine.subscribe((event, payload) => {
          if (event === 'validation.report') resolve(payload as ValidationSummary);
        }),
      );
      const { jobId } = await engine.invoke('artifacts.add', { path: 'd.csv', kind: 'dataset' });
      await engine.invoke('jobs.wait', { id: jobId });
      const summary = await reported;
      expect(summary).toMatchObject({ artifact: 'd', version: 1, status: 'fail', counts: { failed: 1 } });
      const [entry] = await engine.invoke('validation.list', {});
      expect(entry.versions[0].report?.id).toBe(summary.id);
    } finally {
      await engine.shutdown();
    }
  });
});
