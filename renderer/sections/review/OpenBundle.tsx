import { useState, type FormEvent } from 'react';
import type { Api, BundleReview } from '../../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useProjectStore } from '../../stores/project.js';
import './review.css';

/**
 * Where a deploy bundle is chosen: the native file picker where the host has one (Electron), a path
 * field where it has not (a browser tab cannot hand out real paths). Either way it opens for review
 * through bundle.review: the same call as `strata bundle review`.
 */
export function OpenBundle({ api, onOpen }: { api: Api; onOpen(review: BundleReview): void }) {
  const canPick = useProjectStore((s) => s.info?.canPickBundle ?? false);
  const [file, setFile] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<StrataErrorData | null>(null);

  async function open(chooseFile: () => Promise<string | null>) {
    setBusy(true);
    setError(null);
    try {
      const chosen = await chooseFile();
      if (chosen) onOpen(await api.call('bundle.review', { file: chosen }));
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void open(async () => file.trim());
  }

  return (
    <form className="rv-open" onSubmit={submit} data-testid="open-bundle">
      {canPick ? (
        <div className="rv-open__row">
          <button
            type="button"
            className="btn btn--primary"
            disabled={busy}
            onClick={() => void open(async () => (await api.call('app.pickBundle', {})).path)}
          >
            {busy ? 'Verifying…' : 'Open bundle…'}
          </button>
        </div>
      ) : (
        <>
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
        </>
      )}
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
