import type { SavedView } from '../../../shared/api/compare.js';
import { StrataError } from '../../../shared/errors.js';
import type { Db } from '../db/sqlite.js';

interface Row {
  id: number;
  name: string;
  state: string;
  updated_at: string;
}

const toView = (r: Row): SavedView => ({
  id: r.id,
  name: r.name,
  state: JSON.parse(r.state),
  updatedAt: r.updated_at,
});

export function listViews(db: Db): SavedView[] {
  return (
    db
      .prepare('SELECT id, name, state, updated_at FROM compare_views ORDER BY name COLLATE NOCASE')
      .all() as Row[]
  ).map(toView);
}

/** Saving under an existing name replaces that view: names are what people pick views by. */
export function saveView(db: Db, name: string, state: unknown): SavedView {
  if (state === undefined) throw new StrataError('BAD_REQUEST', 'A saved view needs a state');
  const json = JSON.stringify(state);
  if (json.length > 1_000_000)
    throw new StrataError(
      'BAD_REQUEST',
      `The view "${name}" is too large to save (${json.length} bytes; at most 1,000,000)`,
    );
  const row = db
    .prepare(
      `INSERT INTO compare_views (name, state) VALUES (?, ?)
       ON CONFLICT(name) DO UPDATE SET state = excluded.state, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       RETURNING id, name, state, updated_at`,
    )
    .get(name, json) as Row;
  return toView(row);
}

export function deleteView(db: Db, id: number): void {
  const r = db.prepare('DELETE FROM compare_views WHERE id = ?').run(id);
  if (r.changes === 0)
    throw new StrataError(
      'NOT_FOUND',
      `No saved view with id ${id}; it may have been deleted in another window`,
    );
}
