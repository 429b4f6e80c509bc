import { useEffect, useState } from 'react';
import type { Api, RunDetail } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';

/** Tags (key, or key=value) and a free-text note, saved to the run through runs.update. */
export function TagsNote({ api, run, onSaved }: { api: Api; run: RunDetail; onSaved(run: RunDetail): void }) {
  const [note, setNote] = useState(run.note);
  const [tag, setTag] = useState('');
  const [error, setError] = useState<StrataErrorData | null>(null);
  useEffect(() => setNote(run.note), [run.id, run.note]);
  const save = async (change: { note?: string; setTags?: Record<string, string>; removeTags?: string[] }) => {
    try {
      onSaved(await api.call('runs.update', { id: run.id, ...change }));
      setError(null);
    } catch (e) {
      setError(e as StrataErrorData);
    }
  };
  const addTag = () => {
    const text = tag.trim();
    if (!text) return;
    const i = text.indexOf('=');
    void save({
      setTags: i < 0 ? { [text]: '' } : { [text.slice(0, i).trim()]: text.slice(i + 1).trim() },
    }).then(() => setTag(''));
  };
  return (
    <div className="rn-tags">
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="rn-tags__list" data-testid="run-tags">
        {Object.entries(run.tags).map(([k, v]) => (
          <span key={k} className="rn-tag">
            {v ? `${k}=${v}` : k}
            <button
              type="button"
              className="rn-tag__remove"
              aria-label={`remove tag ${k}`}
              onClick={() => void save({ removeTags: [k] })}
            >
              ×
            </button>
          </span>
        ))}
        <input
          className="input rn-tags__input"
          placeholder="add a tag (key or key=value)"
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && addTag()}
          data-testid="tag-input"
        />
        <button type="button" className="btn btn--small" onClick={addTag} data-testid="tag-add">
          Add
        </button>
      </div>
      <textarea
        className="input rn-note"
        rows={3}
        placeholder="A note about this run"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        data-testid="note-input"
      />
      <button
        type="button"
        className="btn btn--small"
        disabled={note === run.note}
        onClick={() => void save({ note })}
        data-testid="note-save"
      >
        Save note
      </button>
    </div>
  );
}
