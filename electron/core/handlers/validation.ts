import { validationCalls } from '../../../shared/api/validation.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { Handlers } from '../engine.js';
import { resolveRef } from '../store/repo.js';
import { inferRules } from '../validation/infer.js';
import { validationHtml } from '../validation/html.js';
import { storedReport, validateTarget } from '../validation/run.js';
import { checkTrends, entryProfiles, listEntries } from '../validation/views.js';

export const validationHandlers: Handlers<typeof validationCalls> = {
  'validation.run': ({ target, force }, engine) => validateTarget(engine.requireProject(), target, force),
  'validation.list': (_p, engine) => listEntries(engine.requireProject()),
  'validation.report': ({ id }, engine) => storedReport(engine.requireProject(), id),
  'validation.profiles': ({ name, version }, engine) => entryProfiles(engine.requireProject(), name, version),
  'validation.trend': ({ name }, engine) => checkTrends(engine.requireProject(), name),
  'validation.html': async ({ id }, engine) => {
    const project = engine.requireProject();
    const report = storedReport(project, id);
    const profiles = await entryProfiles(project, report.name, report.version);
    return {
      html: validationHtml(report, profiles),
      fileName: `validation-${report.artifact}-${report.version}.html`,
    };
  },
  'validation.infer': ({ target, name, write }, engine) => {
    const project = engine.requireProject();
    const { artifact, ref } = parseSpec(target);
    return inferRules(project, resolveRef(project, artifact, ref), name ?? artifact, write);
  },
};
