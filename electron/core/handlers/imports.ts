import { importCalls } from '../../../shared/api/imports.js';
import type { Handlers } from '../engine.js';
import { importMlflow } from '../import/mlflow.js';
import { runSummary } from '../runs/repo.js';

export const importHandlers: Handlers<typeof importCalls> = {
  'import.mlflow': ({ folder, experiment }, engine) => {
    const project = engine.requireProject();
    const { job } = engine.jobs.start(
      { label: `Importing MLflow runs from ${folder}`, unit: 'runs' },
      (ctx) =>
        importMlflow(
          project,
          { folder, experiment, onRun: (id) => engine.emit('run.update', runSummary(project, id)) },
          ctx,
        ),
    );
    return { jobId: job.id };
  },
};
