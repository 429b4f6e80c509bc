import { useState } from 'react';
import type { BundleReview } from '../../shared/api/index.js';
import { useApi } from '../app/context.js';
import { Logo } from '../components/Logo.js';
import { BundleReviewView } from '../sections/review/BundleReviewView.js';
import { OpenBundle } from '../sections/review/OpenBundle.js';
import { useProjectStore } from '../stores/project.js';
import { useUiStore } from '../stores/ui.js';
import { OpenPanel } from './OpenPanel.js';
import { RecentList } from './RecentList.js';
import { useOpenProject } from './useOpenProject.js';

/** What a user sees with no project open: open a folder, reopen a recent one, or try the example. */
export function StartScreen() {
  const flow = useOpenProject();
  const info = useProjectStore((s) => s.info);
  const setOverlay = useUiStore((s) => s.setOverlay);
  const api = useApi();
  const [bundle, setBundle] = useState<BundleReview | null>(null);

  if (bundle)
    return (
      <main className="start start--bundle" data-testid="start-bundle-review">
        <div className="start__wide">
          <button type="button" className="btn btn--small rv-back" onClick={() => setBundle(null)}>
            ← Back
          </button>
          <p className="hint">
            A deploy bundle opened for review without a project: verified and unpacked read-only, nothing
            imported.
          </p>
          <BundleReviewView api={api} review={bundle} />
        </div>
      </main>
    );

  return (
    <main className="start" data-testid="start-screen">
      <div className="start__inner">
        <header className="start__brand">
          <Logo size={40} />
          <div>
            <h1 className="start__title">Strata</h1>
            <p className="start__tagline">
              Versioned data and models, pipelines and runs — on your own machine.
            </p>
          </div>
        </header>

        <section className="start__card" aria-labelledby="open-title">
          <h2 className="start__heading" id="open-title">
            Open a project
          </h2>
          <OpenPanel flow={flow} autoFocus />
        </section>

        {info?.examplePath && (
          <section className="start__card start__card--example">
            <div>
              <h2 className="start__heading">New to Strata?</h2>
              <p className="hint">
                Open the bundled example: a small churn model with a prepare → train → evaluate pipeline. You
                get your own copy to change freely.
              </p>
            </div>
            <button
              type="button"
              className="btn"
              onClick={() => void flow.openExample()}
              disabled={flow.busy}
            >
              Open the bundled example
            </button>
          </section>
        )}

        <section className="start__card" aria-labelledby="bundle-title">
          <h2 className="start__heading" id="bundle-title">
            Review a deploy bundle
          </h2>
          <OpenBundle api={api} onOpen={setBundle} />
        </section>

        <section className="start__card">
          <RecentList onOpen={(p) => void flow.open(p)} busy={flow.busy} />
        </section>

        <footer className="start__footer">
          {info && <span>Strata {info.version}</span>}
          <button type="button" className="btn btn--ghost btn--small" onClick={() => setOverlay('shortcuts')}>
            Keyboard shortcuts <kbd>?</kbd>
          </button>
        </footer>
      </div>
    </main>
  );
}
