import { create } from 'zustand';
import type { Api, DriftAlert, MonitorState, MonitorSummary } from '../../../shared/api/index.js';

interface DriftState {
  monitors: MonitorSummary[] | null;
  selected: string | null;
  states: Record<string, MonitorState>;
  /** the newest alert not yet dismissed, for the banner every section shows */
  alert: DriftAlert | null;
  error: string | null;
  running: boolean;
  loadMonitors(api: Api): Promise<void>;
  select(api: Api, name: string): Promise<void>;
  load(api: Api, name: string, run?: boolean): Promise<void>;
  dismiss(): void;
}

export const useDriftStore = create<DriftState>()((set, get) => ({
  monitors: null,
  selected: null,
  states: {},
  alert: null,
  error: null,
  running: false,
  async loadMonitors(api) {
    try {
      const monitors = await api.call('drift.monitors', {});
      const selected = get().selected ?? monitors[0]?.name ?? null;
      set({ monitors, selected, error: null });
      if (selected) await get().load(api, selected);
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
  async select(api, name) {
    set({ selected: name });
    await get().load(api, name);
  },
  async load(api, name, run = false) {
    if (run) set({ running: true });
    try {
      const state = await api.call('drift.monitor', { name, run });
      set((s) => ({ states: { ...s.states, [name]: state }, error: null }));
    } catch (err) {
      set({ error: (err as Error).message });
    } finally {
      if (run) set({ running: false });
    }
  },
  dismiss: () => set({ alert: null }),
}));

/**
 * Keeps the drift store current while a project is open: new windows reload the monitor, an alert
 * raises the banner and, where the page may, a desktop notification that opens the monitor.
 */
export function followDrift(api: Api, open: (monitor: string) => void): () => void {
  const offUpdated = api.on('drift.updated', ({ monitor }) => {
    const s = useDriftStore.getState();
    void s.loadMonitors(api);
    if (s.selected === monitor) void s.load(api, monitor);
  });
  const offAlert = api.on('drift.alert', (alert) => {
    useDriftStore.setState({ alert });
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      const n = new Notification(`Drift in ${alert.monitor}`, {
        body: alertText(alert),
        tag: `strata-drift-${alert.monitor}`,
      });
      n.onclick = () => {
        window.focus();
        open(alert.monitor);
      };
    }
  });
  return () => {
    offUpdated();
    offAlert();
  };
}

export function alertText(a: DriftAlert): string {
  const parts: string[] = [];
  if (a.columns.length) parts.push(`${a.columns.join(', ')} drifted in window ${a.window + 1}`);
  if (a.detections.length) parts.push(`concept drift (${a.detections.join(', ')})`);
  return parts.join('; ') || `window ${a.window + 1}`;
}
