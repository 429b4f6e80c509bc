import { formatError, toErrorData } from '../../shared/errors.js';
import type { RecentProject } from '../../shared/api/app.js';

interface CallTarget {
  call(name: unknown, params: unknown): Promise<unknown>;
}

/** The native dialogs the menu needs besides the folder picker (which the engine reaches through its pickFolder hook). */
export interface MenuDialogs {
  confirmInit(dir: string): Promise<boolean>;
  showError(title: string, message: string): void;
}

/**
 * File → Open Project… and Open Recent, through the same engine calls the UI makes. A folder that is
 * not a project yet is initialised only after the user agrees; anything else that goes wrong is shown,
 * and the engine has already left the folder as it was.
 */
export async function openProjectFlow(engine: CallTarget, dialogs: MenuDialogs, dir?: string): Promise<void> {
  let target = dir ?? null;
  try {
    target ??= ((await engine.call('app.pickFolder', {})) as { path: string | null }).path;
    if (!target) return;
    await engine.call('project.open', { path: target });
    return;
  } catch (err) {
    const e = toErrorData(err);
    if (e.code !== 'NOT_A_PROJECT') return dialogs.showError('Cannot open the project', formatError(e));
  }
  if (!target || !(await dialogs.confirmInit(target))) return;
  try {
    await engine.call('project.init', { path: target });
  } catch (err) {
    dialogs.showError('Cannot create the project', formatError(toErrorData(err)));
  }
}

/** File → Open for Review (Read-Only)…: nothing is written into the folder, and it is never initialised. */
export async function reviewProjectFlow(engine: CallTarget, dialogs: MenuDialogs): Promise<void> {
  try {
    const target = ((await engine.call('app.pickFolder', {})) as { path: string | null }).path;
    if (target) await engine.call('project.open', { path: target, readOnly: true });
  } catch (err) {
    dialogs.showError('Cannot open the project for review', formatError(toErrorData(err)));
  }
}

export async function closeProjectFlow(engine: CallTarget, dialogs: MenuDialogs): Promise<void> {
  try {
    await engine.call('project.close', {});
  } catch (err) {
    dialogs.showError('Cannot close the project', formatError(toErrorData(err)));
  }
}

/** What the menu shows: read through the engine so it matches the start screen's list. */
export async function menuInputs(
  engine: CallTarget,
): Promise<{ recent: RecentProject[]; hasProject: boolean }> {
  const [recent, current] = await Promise.all([
    engine.call('recent.list', {}),
    engine.call('project.current', {}),
  ]);
  return { recent: recent as RecentProject[], hasProject: current !== null };
}
