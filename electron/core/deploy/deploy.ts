// Putting a model version on a target, taking it back, stopping it: the one code path behind the
// Deploy section, `strata deploy/rollback/undeploy` and the API.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../../../shared/errors.js';
import type { VersionInfo } from '../../../shared/api/artifacts.js';
import type { GateReport } from '../../../shared/api/gates.js';
import { explainFsError, type Project } from '../project/project.js';
import { requireGates } from '../gates/evaluate.js';
import { versionById } from '../store/repo.js';
import type { CommandTarget, FolderTarget, HttpTarget, TargetConfig } from './config.js';
import { materializeVersion, modelDirOf, MODEL_MANIFEST } from './materialize.js';
import {
  activeOf,
  deploymentById,
  insertDeployment,
  updateDeployment,
  type DeploymentRecord,
} from './records.js';
import {
  assertPortFree,
  freePort,
  serverAlive,
  serverKind,
  startServer,
  stopServer,
  type RunningServer,
} from './server.js';
import { inputExample, smokeTest } from './smoke.js';

export interface DeployRequest {
  target: string;
  version: VersionInfo;
  override?: string;
  keepRunning?: boolean;
  action?: 'deploy' | 'rollback';
  rollbackOf?: number | null;
}

export interface DeployContext {
  signal?: AbortSignal;
  step?: (done: number, total: number) => void;
}

export function targetsOf(project: Project): Record<string, TargetConfig> {
  return project.config.config.targets;
}

export function requireTarget(project: Project, name: string): TargetConfig {
  const t = targetsOf(project)[name];
  if (!t) {
    const known = Object.keys(targetsOf(project));
    throw new StrataError(
      'NOT_FOUND',
      `No target named ${name} in strata.yaml${known.length ? ` (targets: ${known.join(', ')})` : '; add one under targets: (see docs/deploy.md)'}`,
    );
  }
  return t;
}

/**
 * The gate check before a deploy: the version's gates (validation issue) must pass, or an override
 * reason is recorded with who and when. The one place a deploy consults gates.
 */
export function checkDeployGates(project: Project, req: DeployRequest): GateReport {
  return requireGates(project, req.version, `deployed to ${req.target}`, req.override);
}

export function predictionLogDir(project: Project, target: string, t: HttpTarget): string {
  return path.resolve(project.root, t.logs ?? path.join('predictions', target));
}

function outputFile(project: Project, target: string, id: number): string {
  return path.join(project.strataDir, 'deploy', 'servers', target, `${id}.log`);
}

/** Starts an http target's service for a recorded deployment (a new one, or one found stopped at start). */
export async function startHttp(
  project: Project,
  d: { id: number; target: string; modelDir: string; model: string; version: number },
  t: HttpTarget,
  port: number,
  signal?: AbortSignal,
): Promise<RunningServer> {
  return startServer(
    {
      kind: serverKind(t.server, d.modelDir),
      modelDir: d.modelDir,
      port,
      name: d.model,
      version: d.version,
      logs: predictionLogDir(project, d.target, t),
      logMaxBytes: t.log_max_bytes,
      python: t.python ?? process.env.STRATA_PYTHON,
      serve: t.serve,
      outputFile: outputFile(project, d.target, d.id),
      cwd: project.root,
    },
    t.health_timeout * 1000,
    signal,
  );
}

async function deployHttp(
  project: Project,
  id: number,
  req: DeployRequest,
  t: HttpTarget,
  previous: DeploymentRecord | null,
  ctx: DeployContext,
): Promise<string> {
  const modelDir = modelDirOf(project, req.version);
  updateDeployment(project, id, { model_dir: modelDir });
  const prevRunning = previous?.type === 'http' && serverAlive(previous.pid) ? previous : null;
  // A fixed port is shared with the running version, which must stop first; a free port lets the
  // new version start beside it and the old one stop only once the new one has passed its checks.
  let stoppedPrevious = false;
  if (t.port !== undefined) {
    if (prevRunning && prevRunning.port === t.port) {
      await stopServer(prevRunning.pid as number);
      updateDeployment(project, prevRunning.id, { pid: null });
      stoppedPrevious = true;
    } else await assertPortFree(t.port);
  }
  const port = t.port ?? (await freePort());
  ctx.step?.(2, 4);
  let server: RunningServer | null = null;
  try {
    server = await startHttp(
      project,
      { id, target: req.target, modelDir, model: req.version.artifact, version: req.version.number },
      t,
      port,
      ctx.signal,
    );
    updateDeployment(project, id, {
      pid: server.pid,
      port: server.port,
      url: server.url,
      server: server.kind,
    });
    ctx.step?.(3, 4);
    const example = inputExample(project, req.version, modelDir, t.example);
    const smoke = example
      ? await smokeTest(server.url, req.version.artifact, example)
      : 'no input example (input_example.json, example: or the run’s evaluation data): smoke test skipped';
    if (prevRunning && !stoppedPrevious) {
      await stopServer(prevRunning.pid as number);
      updateDeployment(project, prevRunning.id, { pid: null });
    }
    return `${server.kind} server on ${server.url}; ${smoke}`;
  } catch (err) {
    if (server) await stopServer(server.pid);
    updateDeployment(project, id, { pid: null });
    let restored = '';
    if (prevRunning && stoppedPrevious) {
      // Automatic rollback: the version that served before comes back on its port.
      try {
        const again = await startHttp(
          project,
          {
            id: prevRunning.id,
            target: req.target,
            modelDir: prevRunning.modelDir as string,
            model: prevRunning.model,
            version: prevRunning.version,
          },
          t,
          prevRunning.port as number,
        );
        updateDeployment(project, prevRunning.id, { pid: again.pid });
        restored = `; rolled back to ${prevRunning.model}@${prevRunning.version} (deployment ${prevRunning.id}), which serves again`;
      } catch (again) {
        restored = `; ${prevRunning.model}@${prevRunning.version} could not be started again: ${(again as Error).message}`;
      }
    } else if (prevRunning) {
      restored = `; ${prevRunning.model}@${prevRunning.version} (deployment ${prevRunning.id}) kept serving`;
    }
    if (err instanceof StrataError)
      throw new StrataError(err.code, `${err.message}${restored}`, { cause: err });
    throw err;
  }
}

/**
 * Copies the version into `<path>/<model>@<N>/` and points `<path>/current` at it. Every failure
 * names the target and the folder; the folder keeps what it had (the model is written into a temp
 * folder beside it and renamed, the link is swapped by renaming a new one over it).
 */
function deployFolder(project: Project, req: DeployRequest, t: FolderTarget): string {
  const root = path.resolve(project.root, t.path);
  const what = `Cannot deploy to target ${req.target}`;
  try {
    const st = fs.statSync(root, { throwIfNoEntry: false });
    if (!st)
      throw new StrataError(
        'NOT_FOUND',
        `${what}: the folder ${root} does not exist; create it, or change the target's path: in strata.yaml`,
        { where: { file: root } },
      );
    if (!st.isDirectory())
      throw new StrataError('BAD_REQUEST', `${what}: ${root} is a file, not a folder`, {
        where: { file: root },
      });
    // Checked before anything is written: a read-only mount answers EROFS here even to root.
    fs.accessSync(root, fs.constants.W_OK);
    return writeFolder(project, req, root);
  } catch (err) {
    throw explainFsError(err, what, root);
  }
}

function writeFolder(project: Project, req: DeployRequest, root: string): string {
  const name = `${req.version.artifact}@${req.version.number}`;
  const final = path.join(root, name);
  const existing = path.join(final, MODEL_MANIFEST);
  const same =
    fs.existsSync(existing) &&
    (JSON.parse(fs.readFileSync(existing, 'utf8')) as { rootHash?: string }).rootHash ===
      req.version.rootHash;
  if (!same) {
    const tmp = fs.mkdtempSync(path.join(root, '.strata-tmp-'));
    // A folder of that name holding other content (another project's model@N) is set aside, not
    // deleted, until the new one is in place.
    const aside = fs.existsSync(final) ? `${tmp}-replaced` : null;
    try {
      materializeVersion(project, req.version, tmp);
      fs.chmodSync(tmp, 0o755);
      if (aside) fs.renameSync(final, aside);
      try {
        fs.renameSync(tmp, final);
      } catch (err) {
        if (aside) fs.renameSync(aside, final);
        throw err;
      }
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    if (aside) fs.rmSync(aside, { recursive: true, force: true });
  }
  // `current` is swapped by renaming a new link over it, so it always names a whole model.
  const link = path.join(root, 'current');
  const tmpLink = path.join(root, `.strata-current-${process.pid}`);
  fs.rmSync(tmpLink, { force: true });
  try {
    fs.symlinkSync(name, tmpLink);
    fs.renameSync(tmpLink, link);
  } catch (err) {
    fs.rmSync(tmpLink, { force: true });
    throw err;
  }
  return `${final} (current -> ${name})`;
}

function deployCommand(
  project: Project,
  req: DeployRequest,
  t: CommandTarget,
  ctx: DeployContext,
): Promise<string> {
  const modelDir = modelDirOf(project, req.version);
  return new Promise((resolve, reject) => {
    const child = spawn(t.run, {
      cwd: project.root,
      shell: true,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        STRATA_MODEL_DIR: modelDir,
        STRATA_MODEL_NAME: req.version.artifact,
        STRATA_MODEL_VERSION: String(req.version.number),
        STRATA_MANIFEST: path.join(modelDir, MODEL_MANIFEST),
        STRATA_TARGET: req.target,
      },
    });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString('utf8')).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const stop = () => child.pid && void stopServer(child.pid);
    const timer = setTimeout(stop, t.timeout * 1000);
    ctx.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (err) =>
      reject(new StrataError('DEPLOY_FAILED', `${t.run} could not start: ${err.message}`)),
    );
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      const tail = output.trimEnd().split('\n').slice(-15).join('\n');
      if (code === 0) resolve(`${t.run} exited 0${tail ? `: ${tail.split('\n').slice(-1)[0]}` : ''}`);
      else
        reject(
          new StrataError(
            ctx.signal?.aborted ? 'CANCELLED' : 'DEPLOY_FAILED',
            `${t.run} ${sig ? `was stopped (${sig}${ctx.signal?.aborted ? ', cancelled' : `, after ${t.timeout} s`})` : `exited with code ${code}`}${tail ? `:\n${tail}` : ''}`,
          ),
        );
    });
  });
}

/**
 * Deploys and records it. On success the new deployment is the target's active one and the one it
 * replaces is marked replaced; on failure it is recorded failed with the reason and the target keeps
 * (or gets back) what it had.
 */
export async function deploy(
  project: Project,
  req: DeployRequest,
  ctx: DeployContext = {},
): Promise<{ deployment: DeploymentRecord; gates: GateReport }> {
  const t = requireTarget(project, req.target);
  const action = req.action ?? 'deploy';
  // A rollback puts back what was serving before; gates judged it when it was first deployed.
  const gates: GateReport =
    action === 'rollback'
      ? {
          artifact: req.version.artifact,
          version: req.version.number,
          runId: req.version.runId,
          champion: null,
          status: 'none',
          gates: [],
          overrides: [],
        }
      : checkDeployGates(project, req);
  ctx.step?.(1, 4);
  const previous = activeOf(project, req.target);
  const keepRunning = req.keepRunning ?? (t.type === 'http' ? t.keep_running : false);
  const id = insertDeployment(project, {
    target: req.target,
    type: t.type,
    versionId: req.version.id,
    action,
    rollbackOf: req.rollbackOf ?? null,
    keepRunning,
    override: req.override?.trim() || null,
  });
  try {
    const message =
      t.type === 'http'
        ? await deployHttp(project, id, req, t, previous, ctx)
        : t.type === 'folder'
          ? deployFolder(project, req, t)
          : await deployCommand(project, req, t, ctx);
    project.db.transaction(() => {
      if (previous) updateDeployment(project, previous.id, { status: 'replaced', ended: true });
      updateDeployment(project, id, { status: 'active', message });
    })();
    ctx.step?.(4, 4);
  } catch (err) {
    updateDeployment(project, id, { status: 'failed', message: (err as Error).message, ended: true });
    throw err;
  }
  return { deployment: deploymentById(project, id) as DeploymentRecord, gates };
}

/** The deployment a rollback goes to: the given one, or the last that served before the current. */
export function rollbackTarget(project: Project, target: string, to?: number): DeploymentRecord {
  requireTarget(project, target);
  if (to !== undefined) {
    const d = deploymentById(project, to);
    if (!d || d.target !== target)
      throw new StrataError('NOT_FOUND', `No deployment ${to} of target ${target} (see strata deployments)`);
    if (d.status === 'failed' || d.status === 'deploying')
      throw new StrataError(
        'BAD_REQUEST',
        `Deployment ${to} never served (${d.status}); roll back to one that did`,
      );
    return d;
  }
  const current = activeOf(project, target);
  const earlier = project.db
    .prepare(
      `SELECT id FROM deployments WHERE target = ? AND status IN ('replaced', 'stopped') AND id < ? AND version_id != ?
       ORDER BY id DESC LIMIT 1`,
    )
    .pluck()
    .get(target, current?.id ?? Number.MAX_SAFE_INTEGER, current?.versionId ?? -1) as number | undefined;
  if (earlier === undefined)
    throw new StrataError('NOT_FOUND', `Target ${target} has no earlier deployment to roll back to`);
  return deploymentById(project, earlier) as DeploymentRecord;
}

export function rollback(project: Project, target: string, to: number | undefined, ctx: DeployContext = {}) {
  const d = rollbackTarget(project, target, to);
  return deploy(
    project,
    {
      target,
      version: versionById(project, d.versionId),
      action: 'rollback',
      rollbackOf: d.id,
      keepRunning: d.keepRunning,
    },
    ctx,
  );
}

/** Stops a target's service (http) and marks its deployment stopped; folders and commands are only marked. */
export async function undeploy(project: Project, target: string): Promise<DeploymentRecord> {
  const t = requireTarget(project, target);
  const current = activeOf(project, target);
  if (!current) throw new StrataError('NOT_FOUND', `Nothing is deployed to ${target}`);
  if (t.type === 'http' && current.pid !== null) await stopServer(current.pid);
  updateDeployment(project, current.id, {
    status: 'stopped',
    pid: null,
    ended: true,
    message: `${current.message ?? ''}${current.message ? '; ' : ''}stopped by ${process.env.USER ?? 'the user'}`,
  });
  return deploymentById(project, current.id) as DeploymentRecord;
}
