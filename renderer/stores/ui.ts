import { create } from 'zustand';
import type { SectionId } from '../sections/types.js';

export type Overlay = 'shortcuts' | 'open' | null;

/** The section a project opens on. Named here, not taken from the registry: the registry's sections import this store. */
export const DEFAULT_SECTION: SectionId = 'runs';

interface UiState {
  section: SectionId;
  overlay: Overlay;
  trayOpen: boolean;
  setSection(section: SectionId): void;
  setOverlay(overlay: Overlay): void;
  setTrayOpen(open: boolean): void;
}

export const useUiStore = create<UiState>()((set) => ({
  section: DEFAULT_SECTION,
  overlay: null,
  trayOpen: false,
  setSection: (section) => set({ section }),
  setOverlay: (overlay) => set({ overlay }),
  setTrayOpen: (trayOpen) => set({ trayOpen }),
}));
