// The versions of a project that came from bundles, with what their import recorded: Models and
// `strata show`/`versions` mark them as imported and show the lineage the bundle carried.
import type { BundleImportRecord } from '../../../shared/api/bundle.js';
import type { Project } from '../project/project.js';
import { requireArtifact } from '../store/repo.js';
import { lineageFile, readOnce, runBrief } from './review.js';

interface Row {
  version: number;
  file: string | null;
  bundleSha256: string;
  origin: string;
  signer: string | null;
  importedAt: string;
  lineage: string | null;
}

/** The lineage as the bundle carried it, checked against the same schema a review reads it with. */
function lineageOf(raw: string | null): Pick<BundleImportRecord, 'lineage' | 'lineageProblem'> {
  if (raw === null) return { lineage: null, lineageProblem: 'the bundle carried no lineage.json' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { lineage: null, lineageProblem: `lineage.json is not JSON (${(err as Error).message})` };
  }
  const parsed = lineageFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      lineage: null,
      lineageProblem: `lineage.json: ${issue.path.join('.') || 'the file'}: ${issue.message}`,
    };
  }
  const run = parsed.data.run;
  return {
    lineage: {
      run: runBrief(run),
      code: run?.code ?? null,
      params: run?.params ?? {},
      metrics: run?.metrics ?? {},
      datasets: readOnce(parsed.data.inputs),
    },
    lineageProblem: null,
  };
}

export function bundleImports(project: Project, artifactName: string): BundleImportRecord[] {
  const artifact = requireArtifact(project, artifactName);
  const rows = project.db
    .prepare(
      `SELECT v.number AS version, b.file AS file, b.bundle_sha256 AS bundleSha256, b.origin AS origin,
              b.signer AS signer, b.imported_at AS importedAt, b.lineage AS lineage
       FROM bundle_imports b JOIN versions v ON v.id = b.version_id
       WHERE v.artifact_id = ? ORDER BY b.id`,
    )
    .all(artifact.id) as Row[];
  return rows.map(({ lineage, ...r }) => ({ ...r, ...lineageOf(lineage) }));
}
