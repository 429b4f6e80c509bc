import { gateCalls } from '../../../shared/api/gates.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { Handlers } from '../engine.js';
import { checkGates, gatesOfArtifact, gatesOverview } from '../gates/evaluate.js';
import { resolveRef } from '../store/repo.js';
import { gatesHtml } from '../gates/html.js';

export const gateHandlers: Handlers<typeof gateCalls> = {
  'gates.check': ({ target }, engine) => {
    const project = engine.requireProject();
    const { artifact, ref } = parseSpec(target);
    return checkGates(project, resolveRef(project, artifact, ref));
  },
  'gates.list': ({ artifact }, engine) => gatesOfArtifact(engine.requireProject(), artifact),
  'gates.html': ({ target }, engine) => {
    const project = engine.requireProject();
    const { artifact, ref } = parseSpec(target);
    const report = checkGates(project, resolveRef(project, artifact, ref));
    return { html: gatesHtml(report), fileName: `gates-${report.artifact}-${report.version}.html` };
  },
  'gates.overview': (_p, engine) => gatesOverview(engine.requireProject()),
};
