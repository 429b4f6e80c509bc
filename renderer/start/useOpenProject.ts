import { useCallback, useState } from 'react';
import type { StrataErrorData } from '../../shared/errors.js';
import { useApi } from '../app/context.js';
import { toErrorData } from '../../shared/errors.js';
import { useProjectStore } from '../stores/project.js';

export interface OpenFlow {
  busy: boolean;
  error: StrataErrorData | null;
  /** A folder that exists but is not a project: the UI asks before writing anything into it. */
  initOffer: string | null;
  open(path: string): Promise<void>;
  init(path: string): Promise<void>;
  openExample(): Promise<void>;
  reset(): void;
}

/** The one way the UI opens a project, shared by the start screen and the Ctrl+O dialog. */
export function useOpenProject(): OpenFlow {
  const api = useApi();
  const setProject = useProjectStore((s) => s.setProject);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [initOffer, setInitOffer] = useState<string | null>(null);

  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  }, []);

  const open = useCallback(
    (path: string) =>
      run(async () => {
        setInitOffer(null);
        const state = await api.call('project.inspect', { path });
        if (state.kind === 'not-project') {
          setInitOffer(path);
          return;
        }
        // Missing, unreadable or not a folder: project.open explains each in its own words.
        setProject(await api.call('project.open', { path }));
      }),
    [api, run, setProject],
  );

  const init = useCallback(
    (path: string) =>
      run(async () => {
        setProject(await api.call('project.init', { path }));
        setInitOffer(null);
      }),
    [api, run, setProject],
  );

  const openExample = useCallback(
    () => run(async () => setProject(await api.call('app.openExample', {}))),
    [api, run, setProject],
  );

  const reset = useCallback(() => {
    setError(null);
    setInitOffer(null);
  }, []);

  return { busy, error, initOffer, open, init, openExample, reset };
}
