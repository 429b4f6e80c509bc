import { useEffect } from 'react';
import { hasMod, isTyping } from '../components/keys.js';
import { sections } from '../sections/registry.js';
import { useProjectStore } from '../stores/project.js';
import { useUiStore } from '../stores/ui.js';

/** The app-wide keys: Ctrl/Cmd+1..9 sections, Ctrl/Cmd+O open, ? shortcuts, Esc closes what is on top. */
export function useShortcuts(): void {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const ui = useUiStore.getState();
      const hasProject = useProjectStore.getState().project !== null;
      if (e.key === 'Escape') {
        if (ui.overlay) {
          e.preventDefault();
          ui.setOverlay(null);
        } else if (ui.trayOpen) ui.setTrayOpen(false);
        return;
      }
      if (hasMod(e) && !e.altKey && !e.shiftKey) {
        const section = sections.find((s) => s.shortcut === e.key);
        if (section && hasProject) {
          e.preventDefault();
          ui.setOverlay(null);
          ui.setSection(section.id);
          return;
        }
        if (e.key.toLowerCase() === 'o') {
          e.preventDefault();
          if (hasProject) ui.setOverlay('open');
          else openOnStartScreen();
          return;
        }
      }
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target)) {
        e.preventDefault();
        ui.setOverlay(ui.overlay === 'shortcuts' ? null : 'shortcuts');
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function openOnStartScreen(): void {
  const field = document.getElementById('open-path');
  if (field) field.focus();
  else document.getElementById('open-folder')?.click();
}
