import type { ValidationReport } from '../../../shared/api/validation.js';
import type { Project } from '../project/project.js';
import { versionWithHash, kindOf } from '../pipeline/lineage.js';
import { recordVersion } from '../store/api.js';
import { versionById } from '../store/repo.js';
import { validateVersion } from './run.js';
import { loadValidations } from './rules.js';

export interface InputCheck {
  /** data/train.csv@7 (entry) */
  target: string;
  report: ValidationReport;
}

/** The artifact declared at exactly this path, if any. */
function artifactAt(project: Project, dep: string): string | undefined {
  return Object.entries(project.config.config.artifacts).find(
    ([, a]) => a.path.replace(/^\.\//, '').replace(/\/$/, '') === dep,
  )?.[0];
}

/** Whether the stage reads an artifact that has rules under validations: (checked before it runs). */
export async function readsValidatedData(project: Project, stage: { deps: string[] }): Promise<boolean> {
  const entries = await loadValidations(project);
  return stage.deps.some((dep) => {
    const artifact = artifactAt(project, dep);
    return artifact !== undefined && entries.some((e) => e.artifact === artifact);
  });
}

const bad = (r: ValidationReport) => r.counts.failed + r.counts.errors;

/**
 * Validates the datasets a stage is about to read: every dep that is an artifact with an entry under
 * validations:, at the content it has now (recorded as a version of the run if it is new, as the
 * lineage would). Returns each report; the caller stops the stage when one is fail or error.
 */
export async function validateStageInputs(
  project: Project,
  stage: { name: string; deps: string[] },
  depHashes: Record<string, string | null>,
  runId: string,
  signal?: AbortSignal,
): Promise<InputCheck[]> {
  const entries = await loadValidations(project);
  if (entries.length === 0) return [];
  const out: InputCheck[] = [];
  for (const dep of stage.deps) {
    const hash = depHashes[dep];
    const artifact = artifactAt(project, dep);
    const mine = entries.filter((e) => e.artifact === artifact);
    if (!hash || !artifact || mine.length === 0) continue;
    const id =
      versionWithHash(project, dep, hash) ??
      (
        await recordVersion(project, {
          path: dep,
          kind: kindOf(project, dep),
          source: 'run',
          runId,
          message: `read by stage ${stage.name}`,
          signal,
        })
      ).id;
    const version = versionById(project, id);
    for (const e of mine)
      out.push({
        target: `${dep}@${version.number}${mine.length > 1 ? ` (${e.name})` : ''}`,
        report: await validateVersion(project, e, version),
      });
  }
  return out;
}

/** "data/train.csv@7 failed 2 checks" for each input that stops the stage; empty when none does. */
export function blockingReasons(checks: InputCheck[]): string[] {
  return checks
    .filter((c) => c.report.status === 'fail' || c.report.status === 'error')
    .map((c) =>
      c.report.status === 'error' && c.report.counts.failed === 0
        ? `${c.target} could not be validated (${c.report.files.find((f) => f.error)?.error ?? `${bad(c.report)} checks could not run`})`
        : `${c.target} failed ${bad(c.report)} check${bad(c.report) === 1 ? '' : 's'}`,
    );
}
