import type { Project } from '../../electron/core/project/project.js';
import { SeriesWriter } from '../../electron/core/metrics/chunks.js';
import { insertRun } from '../../electron/core/runs/repo.js';

/**
 * A finished run with `metrics` series of `steps` points each (a noisy decaying curve), a few params
 * and an environment, written through the engine's own recording functions.
 */
export function addLongRun(project: Project, id: string, metrics: number, steps: number): void {
  const t0 = Date.parse('2026-11-01T08:00:00Z');
  insertRun(project, {
    id,
    name: `long-${id}`,
    kind: 'client',
    status: 'done',
    startedAt: t0,
    endedAt: t0 + steps,
  });
  const db = project.db;
  db.transaction(() => {
    const writer = new SeriesWriter(db, id);
    for (let m = 0; m < metrics; m++)
      for (let s = 0; s < steps; s++)
        writer.append(`metric_${m}`, s, Math.exp(-s / (steps / 4)) + 0.05 * Math.sin(s * (m + 1)), t0 + s);
    writer.flush();
    const param = db.prepare('INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?)');
    param.run(id, 'lr', JSON.stringify(0.01));
    param.run(id, 'optimizer', JSON.stringify('adam'));
    db.prepare('UPDATE runs SET environment = ? WHERE id = ?').run(
      JSON.stringify({
        os: { platform: 'linux', release: '6.1', arch: 'x64' },
        cpu: { model: 'test cpu', count: 2 },
        node: process.version,
        python: '3.11.2',
        pipFreeze: ['numpy==1.24.2', 'pandas==1.5.3'],
        lockFiles: {},
      }),
      id,
    );
  })();
}
