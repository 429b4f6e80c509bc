import { useEffect, useRef } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { OfflineBanner } from '../components/OfflineBanner.js';
import { Frame } from '../frame/Frame.js';
import { OpenDialog } from '../frame/OpenDialog.js';
import { ShortcutsOverlay } from '../frame/ShortcutsOverlay.js';
import { StartScreen } from '../start/StartScreen.js';
import { followLocation, href, navigate } from '../stores/route.js';
import { useProjectStore } from '../stores/project.js';
import { useUiStore } from '../stores/ui.js';
import { useShortcuts } from './useShortcuts.js';

export function App() {
  useShortcuts();
  useEffect(followLocation, []);
  const { ready, project, fatal, offline } = useProjectStore();
  // A place names a run or version of one project: the address opened with is kept, but once the
  // project is closed or another opened, it names nothing and the app goes to the first section.
  const root = ready ? (project?.root ?? null) : undefined;
  const lastRoot = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (root === undefined) return;
    if (lastRoot.current !== undefined && lastRoot.current !== root)
      navigate(href('runs'), { replace: true });
    lastRoot.current = root;
  }, [root]);
  const overlay = useUiStore((s) => s.overlay);
  const close = () => useUiStore.getState().setOverlay(null);

  if (fatal) {
    return (
      <main className="fatal">
        <ErrorNotice error={fatal} title="Strata cannot reach its engine" />
      </main>
    );
  }
  if (!ready) return null;
  return (
    <>
      {offline && <OfflineBanner />}
      {project ? <Frame project={project} /> : <StartScreen />}
      {overlay === 'shortcuts' && <ShortcutsOverlay onClose={close} />}
      {overlay === 'open' && project && <OpenDialog onClose={close} />}
    </>
  );
}
