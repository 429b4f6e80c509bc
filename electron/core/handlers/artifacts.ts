import fs from 'node:fs';
import { artifactCalls, type AddResult, type ArtifactInfo } from '../../../shared/api/artifacts.js';
import { StrataError } from '../../../shared/errors.js';
import { ensureGitignored } from '../project/gitignore.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { Engine, Handlers } from '../engine.js';
import type { Project } from '../project/project.js';
import { ensureStore, recordVersion } from '../store/api.js';
import { assertNoLocalChanges, checkout } from '../store/checkout.js';
import { declareArtifact } from '../store/declare.js';
import { diffVersions } from '../store/diff.js';
import { fsck } from '../store/fsck.js';
import { gc } from '../store/gc.js';
import { parseEntries } from '../store/manifest.js';
import { resolveInProject } from '../store/paths.js';
import {
  aliasHistory,
  findArtifact,
  listArtifactRows,
  listVersions,
  manifestText,
  requireArtifact,
  resolveRef,
  setAlias,
} from '../store/repo.js';
import { watchStatusOf } from '../watch/service.js';
import { checkoutFromRemote, onRemoteError, remoteCheckoutPlan } from '../remote/checkout.js';
import { CHAMPION, requireGates } from '../gates/evaluate.js';

/**
 * The store check running on each project, by job id. A second request joins it instead of hashing
 * everything twice, and a clean-up waits for it: a pack rewritten under it would read as missing.
 */
const checking = new WeakMap<Project, string>();

/** The open project with its store ready: temp files of dead writers gone, declared artifacts given rows. */
function storeOf(engine: Engine): Project {
  const project = engine.requireProject();
  ensureStore(project);
  return project;
}

export const artifactHandlers: Handlers<typeof artifactCalls> = {
  'artifacts.list': (_p, engine) => {
    const project = storeOf(engine);
    const declared = project.config.config.artifacts;
    return listArtifactRows(project).map((a): ArtifactInfo => ({
      ...a,
      watch: declared[a.name]?.watch ?? false,
      declared: a.name in declared,
      versions: listVersions(project, a.id),
    }));
  },
  'artifacts.tree': ({ artifact, ref }, engine) => {
    const project = storeOf(engine);
    const version = resolveRef(project, artifact, ref);
    return { version, entries: parseEntries(manifestText(project, version.rootHash).entries) };
  },
  'artifacts.diff': async ({ a, b }, engine) => {
    const project = storeOf(engine);
    const [va, vb] = [a, b].map((s) => {
      const spec = parseSpec(s);
      return resolveRef(project, spec.artifact, spec.ref);
    });
    const pathOf = (name: string) => findArtifact(project, name)?.path ?? name;
    return {
      ...(await diffVersions(project, va, vb)),
      paths: { a: pathOf(va.artifact), b: pathOf(vb.artifact) },
    };
  },
  'artifacts.tag': ({ artifact, ref, alias, override }, engine) => {
    const project = storeOf(engine);
    if (alias === CHAMPION) requireGates(project, resolveRef(project, artifact, ref), alias, override);
    return setAlias(project, artifact, ref, alias);
  },
  'artifacts.add': ({ path, kind, name, message }, engine) => {
    const project = storeOf(engine);
    const known = name ? findArtifact(project, name) : undefined;
    const { rel, abs } = resolveInProject(project.root, path);
    // The worker counts files for a folder and bytes for a single file.
    const unit = fs.existsSync(abs) && !fs.statSync(abs).isDirectory() ? 'bytes' : 'files';
    const { job } = engine.jobs.start({ label: `Versioning ${rel}`, unit }, async (ctx) => {
      const v = await recordVersion(project, {
        path: rel,
        kind: kind ?? known?.kind ?? 'dataset',
        name,
        message,
        source: 'manual',
        signal: ctx.signal,
        onProgress: (d, t) => ctx.progress(d, t),
      });
      const a = findArtifact(project, v.artifact)!;
      const result: AddResult = { ...v, declared: declareArtifact(project, a.name, a.path, a.kind) };
      // As `dvc add` does: the versioned path is Strata's to keep, not git's.
      ensureGitignored(project.root, [a.path]);
      return result;
    });
    return { jobId: job.id };
  },
  'artifacts.checkout': async ({ artifact, ref, force, pull, remote }, engine) => {
    const project = storeOf(engine);
    // Only a version or contents missing here sends it to the remotes; a complete one is answered locally.
    const plan = await remoteCheckoutPlan(project, artifact, ref, remote, AbortSignal.timeout(60_000));
    if (plan && !pull) throw onRemoteError(plan);
    // Checked before the job starts, so the UI gets the refusal as the answer and can offer --force.
    // An artifact this store has never seen is checked in the job, once the pull has told its path.
    if (!force && findArtifact(project, artifact))
      await assertNoLocalChanges(project, artifact, plan ?? resolveRef(project, artifact, ref));
    if (plan) {
      const { job } = engine.jobs.start(
        { label: `Pulling ${plan.version} from ${plan.remote} to check it out`, unit: 'bytes' },
        (ctx) => checkoutFromRemote(project, plan, { force, ctx }),
      );
      return { jobId: job.id };
    }
    const { job } = engine.jobs.start({ label: `Checking out ${artifact}@${ref}`, unit: 'files' }, (ctx) =>
      checkout(project, artifact, ref, {
        force: true,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress(done, total),
      }),
    );
    return { jobId: job.id };
  },
  'artifacts.watchStatus': (_p, engine) => watchStatusOf(engine.requireProject()),
  'artifacts.versions': ({ artifact }, engine) => {
    const project = storeOf(engine);
    const a = requireArtifact(project, artifact);
    return {
      artifact: a.name,
      path: a.path,
      kind: a.kind,
      versions: listVersions(project, a.id),
      aliasHistory: aliasHistory(project, a.id),
    };
  },
  'artifacts.aliasHistory': ({ artifact }, engine) => {
    const project = storeOf(engine);
    return aliasHistory(project, requireArtifact(project, artifact).id);
  },
  'artifacts.fsck': (_p, engine) => {
    const project = storeOf(engine);
    const running = checking.get(project);
    if (running) return { jobId: running };
    const { job, done } = engine.jobs.start(
      { label: 'Checking the object store', unit: 'objects' },
      async (ctx) => {
        const report = await fsck(project, { signal: ctx.signal, onProgress: (d, t) => ctx.progress(d, t) });
        // fsck reports progress every few hundred objects; a small store would end at "0 objects".
        ctx.progress(report.objects, report.objects);
        return report;
      },
    );
    checking.set(project, job.id);
    void done.finally(() => checking.delete(project)).catch(() => undefined);
    return { jobId: job.id };
  },
  'artifacts.gc': ({ apply, graceMinutes }, engine) => {
    const project = storeOf(engine);
    if (apply && checking.has(project))
      throw new StrataError(
        'CONFLICT',
        'The object store is being checked; clean up once the check has finished',
      );
    return gc(project, { apply, graceMs: graceMinutes * 60_000 });
  },
};
