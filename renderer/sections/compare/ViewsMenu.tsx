import { useEffect, useState } from 'react';
import type { Api } from '../../../shared/api/index.js';
import type { SavedView } from '../../../shared/api/compare.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import type { ViewState } from '../../stores/compare.js';

/** Saved views live in the project database, so they travel with the project to another laptop. */
export function ViewsMenu({
  api,
  current,
  onApply,
}: {
  api: Api;
  current: ViewState;
  onApply(v: Partial<ViewState>): void;
}) {
  const [views, setViews] = useState<SavedView[]>([]);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [name, setName] = useState('');

  const refresh = () => api.call('compare.views.list', {}).then(setViews, (e) => setError(toErrorData(e)));
  useEffect(() => {
    void refresh();
  }, [api]);

  // An inline name field: Electron has no window.prompt.
  async function save() {
    try {
      await api.call('compare.views.save', { name, state: current });
      setError(null);
      setName('');
      await refresh();
    } catch (e) {
      setError(toErrorData(e));
    }
  }

  async function remove(id: number) {
    try {
      await api.call('compare.views.delete', { id });
      await refresh();
    } catch (e) {
      setError(toErrorData(e));
    }
  }

  return (
    <div className="cmp-views">
      <select
        className="input cmp-small"
        value=""
        aria-label="Saved views"
        onChange={(e) => {
          const v = views.find((x) => String(x.id) === e.target.value);
          if (v) onApply(v.state as Partial<ViewState>);
        }}
      >
        <option value="">{views.length ? `Saved views (${views.length})` : 'No saved views'}</option>
        {views.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
          </option>
        ))}
      </select>
      <form
        className="cmp-views__save"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <input
          className="input cmp-small"
          placeholder="view name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-label="View name"
        />
        <button type="submit" className="btn btn--small">
          Save view
        </button>
      </form>
      {views.length > 0 && (
        <select
          className="input cmp-small"
          value=""
          aria-label="Delete a saved view"
          onChange={(e) => e.target.value && void remove(Number(e.target.value))}
        >
          <option value="">Delete…</option>
          {views.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      )}
      {error && (
        <span className="cmp-error" role="alert">
          {error.message}
        </span>
      )}
    </div>
  );
}
