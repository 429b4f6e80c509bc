import { useState, type FormEvent } from 'react';
import type { Api, ArtifactKind } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';

/** Versions a file or folder of the project; hashing runs as a job, so its progress is in the jobs tray. */
export function AddForm({ api, kind, onClose }: { api: Api; kind: ArtifactKind; onClose(): void }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<StrataErrorData | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.call('artifacts.add', {
        path,
        kind,
        ...(name ? { name } : {}),
        ...(message ? { message } : {}),
      });
      onClose();
    } catch (err) {
      setError(err as StrataErrorData);
    }
  };
  return (
    <form className="dv-add" onSubmit={submit} data-testid="add-form">
      <label className="field-label">
        Path in the project
        <input
          className="input input--mono"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder={kind === 'model' ? 'models/model.pkl' : 'data/train.csv'}
          autoFocus
          required
        />
      </label>
      <label className="field-label">
        Name (optional)
        <input
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="from the file name"
        />
      </label>
      <label className="field-label">
        Message (optional)
        <input className="input" value={message} onChange={(e) => setMessage(e.target.value)} />
      </label>
      <div className="dv-add__actions">
        <button type="submit" className="btn btn--primary btn--small">
          Record version
        </button>
        <button type="button" className="btn btn--ghost btn--small" onClick={onClose}>
          Cancel
        </button>
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </form>
  );
}
