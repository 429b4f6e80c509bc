import { useEffect } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { OfflineBanner } from '../components/OfflineBanner.js';
import { Frame } from '../frame/Frame.js';
import { OpenDialog } from '../frame/OpenDialog.js';
import { ShortcutsOverlay } from '../frame/ShortcutsOverlay.js';
import { StartScreen } from '../start/StartScreen.js';
import { followLocation } from '../stores/route.js';
import { useProjectStore } from '../stores/project.js';
import { useUiStore } from '../stores/ui.js';
import { useShortcuts } from './useShortcuts.js';

export function App() {
  useShortcuts();
  useEffect(followLocation, []);
  const { ready, project, fatal, offline } = useProjectStore();
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
