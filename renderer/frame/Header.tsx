import { useState } from 'react';
import type { ProjectSummary } from '../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../shared/errors.js';
import { useApi } from '../app/context.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { modLabel } from '../components/keys.js';
import { Logo } from '../components/Logo.js';
import { useUiStore } from '../stores/ui.js';

export function Header({ project }: { project: ProjectSummary }) {
  const api = useApi();
  const setOverlay = useUiStore((s) => s.setOverlay);
  const setTrayOpen = useUiStore((s) => s.setTrayOpen);
  const [error, setError] = useState<StrataErrorData | null>(null);

  async function act(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(toErrorData(err));
    }
  }

  return (
    <header className="app-header">
      <div className="app-header__project">
        <Logo size={24} />
        <div className="app-header__names">
          <span className="app-header__name" data-testid="project-name">
            {project.name}
          </span>
          <span className="app-header__path" title={project.root} data-testid="project-path">
            {project.root}
          </span>
        </div>
      </div>
      <div className="app-header__actions">
        <button
          type="button"
          className="btn btn--small"
          // A scan records what it saw in the project's database, which a read-only review never writes.
          disabled={project.readOnly}
          title={
            project.readOnly
              ? 'Not in a read-only review: scanning records the workspace in the project, which stays untouched'
              : 'Count the files and bytes in the project folder, in the background'
          }
          data-testid="scan-workspace"
          onClick={() =>
            void act(async () => {
              await api.call('project.scan', {});
              setTrayOpen(true);
            })
          }
        >
          Scan workspace
        </button>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => setOverlay('open')}
          title={`Open another project (${modLabel}+O)`}
        >
          Open…
        </button>
        <button
          type="button"
          className="btn btn--small btn--icon"
          onClick={() => setOverlay('shortcuts')}
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
        >
          ?
        </button>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => void act(() => api.call('project.close', {}))}
        >
          Close project
        </button>
      </div>
      {error && (
        <div className="app-header__error">
          <ErrorNotice error={error} onDismiss={() => setError(null)} />
        </div>
      )}
    </header>
  );
}
