import { bundleCalls } from '../../../shared/api/bundle.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { Handlers } from '../engine.js';
import { exportBundle } from '../bundle/export.js';
import { importBundle } from '../bundle/import.js';
import { bundleImports } from '../bundle/imports.js';
import { reviewBundle } from '../bundle/review.js';
import { bundleReviewHtml } from '../bundle/review-html.js';
import { verifyBundle } from '../bundle/verify.js';
import { resolveRef } from '../store/repo.js';

export const bundleHandlers: Handlers<typeof bundleCalls> = {
  'bundle.export': ({ model, out, sign }, engine) => {
    const project = engine.requireProject();
    const { artifact, ref } = parseSpec(model);
    const version = resolveRef(project, artifact, ref);
    const { job } = engine.jobs.start(
      { label: `Exporting ${artifact}@${version.number}`, unit: 'files' },
      async () => exportBundle(project, version, out, { sign }),
    );
    return { jobId: job.id };
  },
  'bundle.verify': ({ file }) => verifyBundle(file),
  'bundle.review': ({ file }) => reviewBundle(file),
  'bundle.reviewHtml': async ({ file }) => bundleReviewHtml(await reviewBundle(file)),
  'bundle.imports': ({ artifact }, engine) => bundleImports(engine.requireProject(), artifact),
  'bundle.import': ({ file }, engine) => {
    const project = engine.requireProject();
    const { job } = engine.jobs.start({ label: `Importing ${file}`, unit: 'files' }, (ctx) =>
      importBundle(project, file, { signal: ctx.signal }),
    );
    return { jobId: job.id };
  },
};
