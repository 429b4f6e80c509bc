import { create } from 'zustand';
import type { SectionId } from '../sections/types.js';
import { defaultSection } from '../sections/registry.js';

export type Overlay = 'shortcuts' | 'open' | null;

interface UiState {
  section: SectionId;
  overlay: Overlay;
  trayOpen: boolean;
  setSection(section: SectionId): void;
  setOverlay(overlay: Overlay): void;
  setTrayOpen(open: boolean): void;
}

export const useUiStore = create<UiState>()((set) => ({
  section: defaultSection,
  overlay: null,
  trayOpen: false,
  setSection: (section) => set({ section }),
  setOverlay: (overlay) => set({ overlay }),
  setTrayOpen: (trayOpen) => set({ trayOpen }),
}));
