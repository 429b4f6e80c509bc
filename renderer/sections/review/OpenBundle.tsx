import { useState, type FormEvent } from 'react';
import type { Api, BundleReview } from '../../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import './review.css';

/**
 * A path field for a deploy bundle (a browser tab cannot hand out real paths, so both hosts take one
 * typed or pasted), opened for review through bundle.review: the same call as `strata bundle review`.
 */
export function OpenBundle({ api, onOpen }: { api: Api; onOpen(review: BundleReview): void }) {
  const [file, setFile] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<StrataErrorData | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onOpen(await api.call('bundle.review', { file: file.trim() }));
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="rv-open" onSubmit={(e) => void submit(e)} data-testid="open-bundle">
      <label className="field-label" htmlFor="rv-bundle-path">
        Bundle file
      </label>
      <div className="rv-open__row">
        <input
          id="rv-bundle-path"
          className="input input--mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="/home/you/Downloads/model-3.tar"
          value={file}
          onChange={(e) => setFile(e.target.value)}
        />
        <button type="submit" className="btn btn--primary" disabled={busy || !file.trim()}>
          {busy ? 'Verifying…' : 'Open bundle'}
        </button>
      </div>
      <p className="hint">
        Every checksum and the signature are verified, then the bundle is unpacked read-only for review.
        Nothing is imported.
      </p>
      {error && (
        <ErrorNotice error={error} title="Could not open the bundle" onDismiss={() => setError(null)} />
      )}
    </form>
  );
}
