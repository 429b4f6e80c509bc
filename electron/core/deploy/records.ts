// The deployments table: one row per attempt, read as the history and as each target's current one.
import os from 'node:os';
import type { Deployment, DeploymentStatus, TargetType } from '../../../shared/api/deploy.js';
import type { Project } from '../project/project.js';

interface Row {
  id: number;
  target: string;
  type: TargetType;
  model: string;
  version: number;
  version_id: number;
  status: DeploymentStatus;
  action: 'deploy' | 'rollback';
  rollback_of: number | null;
  who: string;
  started_at: string;
  ended_at: string | null;
  message: string | null;
  url: string | null;
  port: number | null;
  pid: number | null;
  server: string | null;
  model_dir: string | null;
  keep_running: number;
  override: string | null;
}

export type DeploymentRecord = Deployment & { versionId: number; modelDir: string | null };

const SELECT = `
  SELECT d.*, a.name AS model, v.number AS version
  FROM deployments d JOIN versions v ON v.id = d.version_id JOIN artifacts a ON a.id = v.artifact_id`;

function toRecord(r: Row): DeploymentRecord {
  return {
    id: r.id,
    target: r.target,
    type: r.type,
    model: r.model,
    version: r.version,
    versionId: r.version_id,
    status: r.status,
    action: r.action,
    rollbackOf: r.rollback_of,
    who: r.who,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    message: r.message,
    url: r.url,
    port: r.port,
    pid: r.pid,
    server: r.server,
    modelDir: r.model_dir,
    keepRunning: r.keep_running === 1,
    override: r.override,
  };
}

/** The public shape: what a deployment is, without the engine's bookkeeping. */
export function publicOf(d: DeploymentRecord): Deployment {
  const { versionId: _v, modelDir: _m, ...rest } = d;
  return rest;
}

export function whoAmI(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@${os.hostname()}`;
  }
}

export function history(project: Project, target?: string, limit = 200): DeploymentRecord[] {
  const rows = target
    ? project.db.prepare(`${SELECT} WHERE d.target = ? ORDER BY d.id DESC LIMIT ?`).all(target, limit)
    : project.db.prepare(`${SELECT} ORDER BY d.id DESC LIMIT ?`).all(limit);
  return (rows as Row[]).map(toRecord);
}

export function deploymentById(project: Project, id: number): DeploymentRecord | null {
  const r = project.db.prepare(`${SELECT} WHERE d.id = ?`).get(id) as Row | undefined;
  return r ? toRecord(r) : null;
}

export function activeOf(project: Project, target: string): DeploymentRecord | null {
  const r = project.db
    .prepare(`${SELECT} WHERE d.target = ? AND d.status = 'active' ORDER BY d.id DESC LIMIT 1`)
    .get(target) as Row | undefined;
  return r ? toRecord(r) : null;
}

export function allActive(project: Project): DeploymentRecord[] {
  return (project.db.prepare(`${SELECT} WHERE d.status = 'active' ORDER BY d.id`).all() as Row[]).map(
    toRecord,
  );
}

export function insertDeployment(
  project: Project,
  d: {
    target: string;
    type: TargetType;
    versionId: number;
    action: 'deploy' | 'rollback';
    rollbackOf: number | null;
    keepRunning: boolean;
    override: string | null;
  },
): number {
  return Number(
    project.db
      .prepare(
        `INSERT INTO deployments (target, type, version_id, status, action, rollback_of, who, keep_running, override)
         VALUES (?, ?, ?, 'deploying', ?, ?, ?, ?, ?)`,
      )
      .run(d.target, d.type, d.versionId, d.action, d.rollbackOf, whoAmI(), d.keepRunning ? 1 : 0, d.override)
      .lastInsertRowid,
  );
}

export function updateDeployment(
  project: Project,
  id: number,
  set: Partial<{
    status: DeploymentStatus;
    message: string | null;
    url: string | null;
    port: number | null;
    pid: number | null;
    server: string | null;
    model_dir: string | null;
    ended: boolean;
  }>,
): void {
  const cols: string[] = [];
  const values: unknown[] = [];
  for (const [k, v] of Object.entries(set)) {
    if (k === 'ended') {
      if (v) cols.push(`ended_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`);
      continue;
    }
    cols.push(`${k} = ?`);
    values.push(v);
  }
  if (cols.length)
    project.db.prepare(`UPDATE deployments SET ${cols.join(', ')} WHERE id = ?`).run(...values, id);
}
