import { create } from 'zustand';
import type { SectionId } from '../sections/types.js';
import { href, navigate } from './route.js';

export type Overlay = 'shortcuts' | 'open' | null;

interface UiState {
  overlay: Overlay;
  trayOpen: boolean;
  /** Goes to a section's own page (its list, not the last thing opened in it). */
  setSection(section: SectionId): void;
  setOverlay(overlay: Overlay): void;
  setTrayOpen(open: boolean): void;
}

export const useUiStore = create<UiState>()((set) => ({
  overlay: null,
  trayOpen: false,
  setSection: (section) => navigate(href(section)),
  setOverlay: (overlay) => set({ overlay }),
  setTrayOpen: (trayOpen) => set({ trayOpen }),
}));
