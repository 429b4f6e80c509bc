import { create } from 'zustand';
import type { Api } from '../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../shared/errors.js';
import type { SortDir } from '../components/runs-table/rows.js';
import { href, navigate } from './route.js';
import { decodeTable, type RunsTable } from '../components/runs-table/table.js';

/** Everything a saved view restores: what is shown and how, never which runs are selected. */
export interface ViewState {
  columns: string[] | null;
  sort: { col: string; dir: SortDir } | null;
  filter: string;
  statuses: string[];
  tag: string;
  from: string;
  to: string;
  data: string;
  groupBy: string | null;
  onlyDiffering: boolean;
  baseline: string | null;
}

export const defaultView: ViewState = {
  columns: null,
  sort: null,
  filter: '',
  statuses: [],
  tag: '',
  from: '',
  to: '',
  data: '',
  groupBy: null,
  onlyDiffering: false,
  baseline: null,
};

interface CompareState extends ViewState {
  table: RunsTable | null;
  /** the project the table and view belong to */
  root: string | null;
  loading: boolean;
  error: StrataErrorData | null;
  /** selected run ids, in the order they were picked */
  selected: string[];
  /** Reads the table; for another project than the last one, starts from the default view. */
  load(api: Api, root: string): Promise<void>;
  setView(patch: Partial<ViewState>): void;
  applyView(view: Partial<ViewState>): void;
  toggleSelected(id: string): void;
  setSelected(ids: string[]): void;
  /** Opens the compare view of the selection: a URL, #compare?runs=a,b, so it can be shared and left with Back. */
  compareSelection(): void;
}

export const useCompareStore = create<CompareState>()((set, get) => ({
  ...defaultView,
  table: null,
  root: null,
  loading: false,
  error: null,
  selected: [],
  async load(api, root) {
    if (get().root !== root) set({ ...defaultView, root, table: null, selected: [] });
    set({ loading: true, error: null });
    try {
      const table = decodeTable(await api.call('compare.table', {}));
      if (get().root !== root) return;
      const keep = (ids: string[]) => ids.filter((id) => table.rowOf.has(id));
      const { baseline } = get();
      set({
        table,
        loading: false,
        selected: keep(get().selected),
        baseline: baseline !== null && table.rowOf.has(baseline) ? baseline : null,
      });
    } catch (err) {
      set({ loading: false, error: toErrorData(err) });
    }
  },
  setView: (patch) => set(patch),
  applyView: (view) => set({ ...defaultView, ...view }),
  toggleSelected: (id) => {
    const s = get().selected;
    set({ selected: s.includes(id) ? s.filter((x) => x !== id) : [...s, id] });
  },
  setSelected: (selected) => set({ selected }),
  compareSelection: () => {
    const ids = get().selected;
    if (ids.length > 0) navigate(href('compare', [], { runs: ids.join(',') }));
  },
}));

export function viewOf(s: ViewState): ViewState {
  return {
    columns: s.columns,
    sort: s.sort,
    filter: s.filter,
    statuses: s.statuses,
    tag: s.tag,
    from: s.from,
    to: s.to,
    data: s.data,
    groupBy: s.groupBy,
    onlyDiffering: s.onlyDiffering,
    baseline: s.baseline,
  };
}

/** A burst of run updates (a pipeline's stages) reads the table once, this long after the last. */
const RELOAD_DEBOUNCE_MS = 500;

/**
 * Reads the table now and again whenever a run starts or ends, for as long as a view of it is on
 * screen (Runs or Compare). Returns the unsubscribe.
 */
export function followRunsTable(api: Api, root: string): () => void {
  void useCompareStore.getState().load(api, root);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const off = api.on('run.update', (run) => {
    const known = useCompareStore.getState().table?.rowOf.has(run.id) ?? false;
    if (known && run.status === 'running') return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void useCompareStore.getState().load(api, root), RELOAD_DEBOUNCE_MS);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
