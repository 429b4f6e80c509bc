import parcel from '@parcel/watcher';
import fs from 'node:fs';
import path from 'node:path';
import type { WatchStatus } from '../../../shared/api/artifacts.js';
import { StrataError } from '../../../shared/errors.js';
import type { Engine } from '../engine.js';
import { IGNORED_GLOBS } from '../project/ignored.js';
import type { Project } from '../project/project.js';
import type { ProjectService } from '../project-service.js';
import { hashPath, recordVersion } from '../store/api.js';
import { onVersioned } from '../store/events.js';
import { findArtifact, latestVersion } from '../store/repo.js';
import { Settler } from './settle.js';

export type Subscribe = typeof parcel.subscribe;

export interface WatchOptions {
  /** how long an artifact must be quiet before it is versioned */
  settleMs?: number;
  pollMs?: number;
  /** the native watcher; replaceable so a test can make it fail like a system out of inotify watches */
  subscribe?: Subscribe;
}

/** How long an artifact must be quiet before it is versioned, unless the caller says otherwise. */
export const SETTLE_MS = 300;
/** More changed paths than this in one settle period: a full check is as quick as following them. */
const MAX_CHANGED = 10_000;
/** Even with the watcher's word, every file of an artifact is stat'ed again at least this often. */
const FULL_CHECK_MS = 10 * 60_000;
const statuses = new WeakMap<Project, WatchStatus>();

export function watchStatusOf(project: Project): WatchStatus {
  return statuses.get(project) ?? { mode: 'off', artifacts: [], message: null };
}

function outOfWatches(err: unknown): boolean {
  const text = `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message ?? ''}`;
  return /ENOSPC|inotify|watch limit|No space left/i.test(text);
}

/**
 * Versions artifacts declared with `watch: true` whenever they change, once their writes have
 * settled. @parcel/watcher holds one inotify watch per folder (chokidar holds one per file, and on
 * 100,000 files needed ~9 s and ~600 MB to get ready; see test/bench/versioning-watch.ts). When the
 * system runs out of watches, the service says so and polls with the stat cache instead of
 * silently missing changes.
 */
export function startWatching(
  project: Project,
  engine: Engine,
  opts: WatchOptions = {},
): ProjectService & { ready: Promise<void> } {
  const settleMs = opts.settleMs ?? SETTLE_MS;
  const pollMs = opts.pollMs ?? 2000;
  const subscribe = opts.subscribe ?? parcel.subscribe;
  let subscription: parcel.AsyncSubscription | null = null;
  let poller: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  let status: WatchStatus = { mode: 'off', artifacts: [], message: null };
  const lastPolled = new Map<string, string | null>();
  // What the watcher saw change per artifact since its last check ('all': check every file), and
  // when each artifact last had a full check that began while the watcher was already listening:
  // only then does the watcher's word cover every change since.
  const pending = new Map<string, Set<string> | 'all'>();
  const lastFull = new Map<string, number>();
  let listeningSince = Infinity;
  const markAll = (name: string) => {
    pending.set(name, 'all');
    settler.touch(name);
  };

  const watched = () =>
    Object.entries(project.config.config.artifacts)
      .filter(([, a]) => a.watch)
      .map(([name, a]) => ({ name, path: a.path.replace(/^\.\//, '').replace(/\/+$/, '') }));

  const setStatus = (next: WatchStatus) => {
    status = next;
    statuses.set(project, next);
    engine.emit('watch.status', next);
  };

  const settler = new Settler(settleMs, async (name) => {
    const a = watched().find((w) => w.name === name);
    const change = pending.get(name);
    pending.delete(name);
    if (!a || disposed) return;
    const started = Date.now();
    const since = lastFull.get(name);
    const full =
      change === undefined ||
      change === 'all' ||
      poller !== null ||
      since === undefined ||
      started - since > FULL_CHECK_MS;
    try {
      // A deleted artifact is not a new version: it just has no current content. Content that is
      // already a version (a checkout of @1, an undone edit) is not news either.
      if (fs.existsSync(path.join(project.root, a.path))) {
        await recordVersion(project, {
          path: a.path,
          name: a.name,
          source: 'watch',
          reuseAnyVersion: true,
          changed: full ? null : [...(change as Set<string>)],
        });
      }
      if (full && started >= listeningSince) lastFull.set(name, started);
    } catch (err) {
      if (disposed) return;
      // What this check was to look at is looked at again, in full.
      pending.set(name, 'all');
      // Still being written: try again once it has been quiet for another settle period.
      if (err instanceof StrataError && err.code === 'CONFLICT') settler.touch(name);
      else process.stderr.write(`strata watch: ${a.name}: ${(err as Error).message}\n`);
    }
  });

  const onEvents = (events: { path: string }[]) => {
    const list = watched();
    for (const e of events) {
      const rel = path.relative(project.root, e.path).split(path.sep).join('/');
      for (const a of list) {
        if (rel !== a.path && !rel.startsWith(`${a.path}/`)) continue;
        const seen = pending.get(a.name);
        if (rel === a.path || seen === 'all') pending.set(a.name, 'all');
        else {
          const set = seen ?? new Set<string>();
          set.add(rel.slice(a.path.length + 1));
          pending.set(a.name, set.size > MAX_CHANGED ? 'all' : set);
        }
        settler.touch(a.name);
      }
    }
  };

  const poll = async () => {
    for (const a of watched()) {
      let now: string | null;
      try {
        now = await hashPath(project, a.path);
      } catch {
        continue;
      }
      if (disposed) return;
      const before = lastPolled.get(a.name);
      lastPolled.set(a.name, now);
      const row = findArtifact(project, a.name);
      const latest = row ? latestVersion(project, row.id) : null;
      // Two equal polls in a row mean the writes have settled.
      if (now !== null && now === before && now !== latest?.rootHash) markAll(a.name);
    }
  };

  const startPolling = (message: string) => {
    if (poller || disposed) return;
    void subscription?.unsubscribe();
    subscription = null;
    listeningSince = Infinity;
    // Each poll is scheduled after the previous one ends, so slow hashing never piles polls up.
    const next = () => {
      poller = setTimeout(() => void poll().finally(() => !disposed && poller && next()), pollMs);
    };
    next();
    setStatus({ mode: 'polling', artifacts: watched().map((a) => a.name), message });
  };

  const enospcMessage = `The system ran out of file watches (inotify, ENOSPC), so Strata now checks watched artifacts every ${pollMs / 1000} s instead. To watch natively, raise the limit: sudo sysctl fs.inotify.max_user_watches=524288`;

  const syncNow = async () => {
    const list = watched();
    if (list.length === 0) {
      await subscription?.unsubscribe();
      subscription = null;
      if (poller) clearTimeout(poller);
      poller = null;
      if (status.mode !== 'off') setStatus({ mode: 'off', artifacts: [], message: null });
      return;
    }
    for (const a of list) markAll(a.name);
    if (poller) {
      setStatus({ ...status, artifacts: list.map((a) => a.name) });
      return;
    }
    if (!subscription) {
      try {
        subscription = await subscribe(
          project.root,
          (err, events) => {
            if (err)
              startPolling(
                outOfWatches(err)
                  ? enospcMessage
                  : `The file watcher failed (${err.message}); checking every ${pollMs / 1000} s instead.`,
              );
            else onEvents(events);
          },
          { ignore: [...IGNORED_GLOBS] },
        );
        if (disposed) {
          await subscription.unsubscribe();
          return;
        }
        listeningSince = Date.now();
      } catch (err) {
        startPolling(
          outOfWatches(err)
            ? enospcMessage
            : `The file watcher could not start (${(err as Error).message}); checking every ${pollMs / 1000} s instead.`,
        );
        return;
      }
    }
    setStatus({ mode: 'native', artifacts: list.map((a) => a.name), message: null });
  };

  // One sync at a time: two overlapping ones would both subscribe, and the first subscription,
  // never unsubscribed, would keep the process alive.
  let syncing: Promise<void> = Promise.resolve();
  const sync = () => (syncing = syncing.then(syncNow, syncNow));

  const offVersioned = onVersioned((p, event) => {
    if (p === project) engine.emit('artifact.versioned', event);
  });
  const offConfig = engine.subscribe((event) => {
    if (event === 'project.changed' && engine.project === project) void sync();
  });
  const ready = sync();

  return {
    ready,
    async dispose() {
      disposed = true;
      offVersioned();
      offConfig();
      if (poller) clearTimeout(poller);
      // A check already going is waited for: its hashing writes into .strata/.
      await settler.stop();
      await ready.catch(() => undefined);
      await subscription?.unsubscribe();
      subscription = null;
      statuses.delete(project);
    },
  };
}
