import { useEffect, useState } from 'react';
import type { AliasChange, Api, ArtifactInfo } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { toErrorData } from '../../../shared/errors.js';
import { when } from './format.js';

/** Moves shown before "Show all". */
const RECENT = 5;

/** Every move of the artifact's aliases, newest first: which version each went to, and from where. */
export function AliasHistory({ api, artifact, alias }: { api: Api; artifact: ArtifactInfo; alias: string }) {
  const [history, setHistory] = useState<{ artifact: string; moves: AliasChange[] } | null>(null);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [all, setAll] = useState(false);
  // The aliases as they stand now: any promotion changes them, and with them the history.
  const current = artifact.versions.map((v) => `${v.number}:${v.aliases.join(',')}`).join(' ');
  useEffect(() => {
    let live = true;
    api.call('artifacts.aliasHistory', { artifact: artifact.name }).then(
      (moves) => {
        if (!live) return;
        setHistory({ artifact: artifact.name, moves: [...moves].reverse() });
        setError(null);
      },
      (err: unknown) => {
        if (live) setError(toErrorData(err));
      },
    );
    return () => {
      live = false;
    };
  }, [api, artifact.name, current]);
  useEffect(() => setAll(false), [artifact.name]);

  if (error) return <ErrorNotice error={error} title="Alias history" />;
  if (!history || history.artifact !== artifact.name) return null;
  const moves = all ? history.moves : history.moves.slice(0, RECENT);
  return (
    <section className="dv-history" aria-label="Alias history" data-testid="alias-history">
      <h3 className="dv-h3">Alias history</h3>
      {history.moves.length === 0 ? (
        <p className="muted" data-testid="alias-history-empty">
          No alias has been set on {artifact.name} yet.{' '}
          {alias ? (
            <>“Make {alias}” on a version starts its history.</>
          ) : (
            'Name an alias above to promote a version.'
          )}
        </p>
      ) : (
        <table className="dv-grid dv-history__table">
          <thead>
            <tr>
              <th>When</th>
              <th>Alias</th>
              <th>Moved to</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {moves.map((m, i) => (
              <tr key={`${m.at}-${m.alias}-${i}`} data-testid="alias-move">
                <td className="dv-nowrap">{when(m.at)}</td>
                <td>
                  <span className="dv-alias">{m.alias}</span>
                </td>
                <td>@{m.version}</td>
                <td className={m.previous === null ? 'muted' : undefined}>
                  {m.previous === null ? 'new' : `@${m.previous}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history.moves.length > RECENT && (
        <button
          type="button"
          className="btn btn--ghost btn--small"
          onClick={() => setAll(!all)}
          aria-expanded={all}
        >
          {all ? 'Show recent' : `Show all ${history.moves.length}`}
        </button>
      )}
    </section>
  );
}
