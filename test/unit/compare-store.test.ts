import { describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api/index.js';
import type { RunsTableWire } from '../../shared/api/compare.js';
import { ColumnarBuilder } from '../../electron/core/compare/columnar.js';
import { useCompareStore } from '../../renderer/stores/compare.js';

function wire(ids: string[], param: string): RunsTableWire {
  const b = new ColumnarBuilder(ids.length);
  ids.forEach((_, r) => b.set('param', param, r, r));
  return { count: ids.length, ids, columns: b.build(), readAt: 0 };
}

/** An Api whose compare.table answers from a map of project roots; only that call is used by load(). */
function apiFor(tables: Map<string, RunsTableWire>, current: { root: string }): Api {
  return {
    call: (async (name: string) => {
      if (name !== 'compare.table') throw new Error(`unexpected call ${name}`);
      return tables.get(current.root)!;
    }) as Api['call'],
    on: () => () => undefined,
  };
}

describe('compare store', () => {
  it('keeps the view and the selection of runs that still exist when the same project is read again', async () => {
    const current = { root: '/a' };
    const tables = new Map([['/a', wire(['r1', 'r2', 'r3'], 'lr')]]);
    const api = apiFor(tables, current);
    const s = useCompareStore.getState();
    await s.load(api, '/a');
    s.setView({ filter: 'lr > 0', columns: ['param:lr'], baseline: 'r3' });
    s.setSelected(['r1', 'r3']);
    tables.set('/a', wire(['r1', 'r2', 'r4'], 'lr'));
    await s.load(api, '/a');
    const after = useCompareStore.getState();
    expect(after.filter).toBe('lr > 0');
    expect(after.selected).toEqual(['r1']);
    expect(after.baseline).toBeNull();
    expect(after.table!.ids).toEqual(['r1', 'r2', 'r4']);
  });

  it('starts from the default view for another project, so its columns and filter do not leak', async () => {
    const current = { root: '/a' };
    const tables = new Map([
      ['/a', wire(['r1'], 'lr')],
      ['/b', wire(['x1'], 'depth')],
    ]);
    const api = apiFor(tables, current);
    const s = useCompareStore.getState();
    await s.load(api, '/a');
    s.setView({ filter: 'lr > 0', columns: ['param:lr'] });
    s.setSelected(['r1']);
    current.root = '/b';
    await s.load(api, '/b');
    const after = useCompareStore.getState();
    expect(after.filter).toBe('');
    expect(after.columns).toBeNull();
    expect(after.selected).toEqual([]);
    expect(after.table!.ids).toEqual(['x1']);
  });
});
