import { reviewCalls } from '../../../shared/api/review.js';
import type { Handlers } from '../engine.js';
import { getReproduction, latestReproduction, startReproduction } from '../reproduce/reproduce.js';
import { lineageGraph } from '../review/lineage.js';
import { reviewHtml } from '../review/report.js';
import { startVerify, verifyState } from '../review/verify.js';

export const reviewHandlers: Handlers<typeof reviewCalls> = {
  'reproduce.start': ({ run, tolerances }, engine) =>
    startReproduction(engine.requireProject(), engine, run, tolerances),
  'reproduce.get': ({ id }, engine) => getReproduction(engine.requireProject(), id),
  'reproduce.latest': ({ run }, engine) => latestReproduction(engine.requireProject(), run),
  'review.html': ({ target }, engine) => reviewHtml(engine.requireProject(), target),
  'review.lineage': (_p, engine) => lineageGraph(engine.requireProject()),
  'review.verify': ({ start }, engine) => {
    const project = engine.requireProject();
    return start ? startVerify(project, engine) : verifyState(project);
  },
};
