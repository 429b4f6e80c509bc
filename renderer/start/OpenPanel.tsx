import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useApi } from '../app/context.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { toErrorData } from '../../shared/errors.js';
import { useProjectStore } from '../stores/project.js';
import { InitOffer } from './InitOffer.js';
import type { OpenFlow } from './useOpenProject.js';

/**
 * Where a folder is chosen: the native picker where the host has one (Electron), a path field where it
 * has not (a browser tab cannot hand out real paths).
 */
export function OpenPanel({ flow, autoFocus }: { flow: OpenFlow; autoFocus?: boolean }) {
  const api = useApi();
  const canPick = useProjectStore((s) => s.info?.canPickFolder ?? false);
  const [path, setPath] = useState('');
  const [pickError, setPickError] = useState<ReturnType<typeof toErrorData> | null>(null);
  const field = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (autoFocus) field.current?.focus();
  }, [autoFocus]);

  async function pick() {
    setPickError(null);
    try {
      const { path: chosen } = await api.call('app.pickFolder', {});
      if (chosen) await flow.open(chosen);
    } catch (err) {
      setPickError(toErrorData(err));
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const trimmed = path.trim();
    if (trimmed) void flow.open(trimmed);
  }

  const error = flow.error ?? pickError;
  return (
    <div className="open-panel">
      {canPick ? (
        <button
          type="button"
          id="open-folder"
          className="btn btn--primary"
          onClick={() => void pick()}
          disabled={flow.busy}
          autoFocus={autoFocus}
        >
          Open folder…
        </button>
      ) : (
        <form className="path-form" onSubmit={submit}>
          <label className="field-label" htmlFor="open-path">
            Project folder
          </label>
          <div className="path-form__row">
            <input
              id="open-path"
              ref={field}
              className="input input--mono"
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder="/home/you/projects/churn"
              value={path}
              onChange={(e) => setPath(e.target.value)}
            />
            <button type="submit" className="btn btn--primary" disabled={flow.busy || !path.trim()}>
              {flow.busy ? 'Opening…' : 'Open'}
            </button>
          </div>
          <p className="hint">
            The full path of a folder on this computer. A folder that is not a Strata project yet can be
            initialised.
          </p>
        </form>
      )}
      {flow.initOffer && (
        <InitOffer
          path={flow.initOffer}
          busy={flow.busy}
          onInit={() => void flow.init(flow.initOffer!)}
          onCancel={flow.reset}
        />
      )}
      {error && <ErrorNotice error={error} title="Could not open the project" onDismiss={flow.reset} />}
    </div>
  );
}
