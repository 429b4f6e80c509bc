import { deployCalls, serveCalls } from '../../../shared/api/deploy.js';
import type { TargetInfo } from '../../../shared/api/deploy.js';
import { StrataError } from '../../../shared/errors.js';
import { parseSpec } from '../../../shared/version-spec.js';
import type { Handlers } from '../engine.js';
import {
  deploy,
  predictionLogDir,
  requireTarget,
  rollback,
  rollbackTarget,
  targetsOf,
  undeploy,
} from '../deploy/deploy.js';
import { modelDirOf } from '../deploy/materialize.js';
import { activeOf, history, publicOf } from '../deploy/records.js';
import { serveFolder, stopServed } from '../deploy/serve.js';
import { isHealthy, serverAlive } from '../deploy/server.js';
import { resolveRef } from '../store/repo.js';
import { serveBundle } from '../bundle/serve.js';

async function stats(url: string): Promise<TargetInfo['stats']> {
  try {
    const r = await fetch(`${url}/strata/stats`, { signal: AbortSignal.timeout(1000) });
    if (!r.ok) return null;
    const s = (await r.json()) as {
      requests: number;
      errors: number;
      p50_ms: number | null;
      p99_ms: number | null;
    };
    return { requests: s.requests, errors: s.errors, p50Ms: s.p50_ms, p99Ms: s.p99_ms };
  } catch {
    return null;
  }
}

export const deployHandlers: Handlers<typeof deployCalls & typeof serveCalls> = {
  'deploy.start': ({ target, model, override, keepRunning }, engine) => {
    const project = engine.requireProject();
    requireTarget(project, target);
    const { artifact, ref } = parseSpec(model);
    const version = resolveRef(project, artifact, ref);
    const { job } = engine.jobs.start(
      { label: `Deploying ${artifact}@${version.number} to ${target}`, unit: 'steps' },
      async (ctx) => {
        const r = await deploy(
          project,
          { target, version, override, keepRunning },
          { signal: ctx.signal, step: (d, t) => ctx.progress(d, t) },
        );
        return { deployment: publicOf(r.deployment), gates: r.gates };
      },
    );
    return { jobId: job.id };
  },
  'deploy.rollback': ({ target, to }, engine) => {
    const project = engine.requireProject();
    const d = rollbackTarget(project, target, to);
    const { job } = engine.jobs.start(
      { label: `Rolling ${target} back to ${d.model}@${d.version}`, unit: 'steps' },
      async (ctx) => {
        const r = await rollback(project, target, d.id, {
          signal: ctx.signal,
          step: (x, t) => ctx.progress(x, t),
        });
        return { deployment: publicOf(r.deployment), gates: r.gates };
      },
    );
    return { jobId: job.id };
  },
  'deploy.stop': async ({ target }, engine) => publicOf(await undeploy(engine.requireProject(), target)),
  'deploy.history': ({ target, limit }, engine) =>
    history(engine.requireProject(), target, limit).map(publicOf),
  'deploy.targets': async (_p, engine) => {
    const project = engine.requireProject();
    return Promise.all(
      Object.entries(targetsOf(project)).map(async ([name, t]): Promise<TargetInfo> => {
        const current = activeOf(project, name);
        const base: TargetInfo = {
          name,
          type: t.type,
          where:
            t.type === 'http'
              ? `http://127.0.0.1:${t.port ?? current?.port ?? '<free port>'} (logs: ${predictionLogDir(project, name, t)})`
              : t.type === 'folder'
                ? t.path
                : t.run,
          current: current ? publicOf(current) : null,
          keepRunning: t.type === 'http' ? t.keep_running : null,
          health: null,
          stats: null,
        };
        if (t.type !== 'http' || !current) return base;
        if (!current.url || !serverAlive(current.pid)) return { ...base, health: 'stopped' };
        const healthy = await isHealthy(current.url);
        return {
          ...base,
          health: healthy ? 'healthy' : 'unhealthy',
          stats: healthy ? await stats(current.url) : null,
        };
      }),
    );
  },
  'serve.start': async ({ model, bundle, port, python, logs }, engine) => {
    if (bundle) return serveBundle(bundle, { port, python, logs });
    const project = engine.project;
    if (!project)
      throw new StrataError(
        'NOT_FOUND',
        'Serving a model version needs its project; give a bundle file to serve one without',
      );
    const { artifact, ref } = parseSpec(model as string);
    const version = resolveRef(project, artifact, ref);
    return serveFolder({
      modelDir: modelDirOf(project, version),
      model: artifact,
      version: version.number,
      port,
      python,
      logs,
      cwd: project.root,
    });
  },
  'serve.stop': async ({ pid }) => ({ stopped: await stopServed(pid) }),
};
