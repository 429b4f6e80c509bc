import { useEffect, useState } from 'react';
import type { RecentProject } from '../../shared/api/index.js';
import { useApi } from '../app/context.js';
import { timeAgo } from '../components/format.js';

/** Recent projects, newest first; a project that was moved or deleted is marked and can be forgotten. */
export function RecentList({ onOpen, busy }: { onOpen(path: string): void; busy: boolean }) {
  const api = useApi();
  const [recent, setRecent] = useState<RecentProject[] | null>(null);

  useEffect(() => {
    let live = true;
    api.call('recent.list', {}).then(
      (r) => live && setRecent(r),
      () => live && setRecent([]),
    );
    return () => {
      live = false;
    };
  }, [api]);

  async function forget(path: string) {
    setRecent(await api.call('recent.forget', { path }));
  }

  if (recent === null) return null;
  return (
    <section className="recent" aria-labelledby="recent-title">
      <h2 className="start__heading" id="recent-title">
        Recent projects
      </h2>
      {recent.length === 0 ? (
        <p className="hint">Projects you open appear here.</p>
      ) : (
        <ul className="recent__list" data-testid="recent-list">
          {recent.map((r) => (
            <li
              key={r.path}
              className={`recent__item${r.exists ? '' : ' recent__item--missing'}`}
              data-testid="recent-item"
            >
              <button
                type="button"
                className="recent__open"
                onClick={() => onOpen(r.path)}
                disabled={busy || !r.exists}
                title={r.path}
              >
                <span className="recent__name">{r.name}</span>
                <span className="recent__path">{r.path}</span>
              </button>
              <span className="recent__meta">
                {r.exists ? timeAgo(r.openedAt) : <span className="badge badge--warn">missing</span>}
              </span>
              <button
                type="button"
                className="btn btn--ghost btn--small"
                onClick={() => void forget(r.path)}
                aria-label={`Forget ${r.name}`}
              >
                Forget
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
