import { useEffect, useRef, useState } from 'react';
import type { Column, RunsTable } from './table.js';

const GROUPS: [Column['group'], string][] = [
  ['field', 'Run'],
  ['param', 'Params'],
  ['metric', 'Metrics'],
  ['tag', 'Tags'],
];

/** Which columns the table shows, searchable because a project can have hundreds of params. */
export function ColumnPicker({
  table,
  shown,
  onChange,
}: {
  table: RunsTable;
  shown: string[];
  onChange(ids: string[]): void;
}) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const set = new Set(shown);
  const toggle = (id: string) => onChange(set.has(id) ? shown.filter((x) => x !== id) : [...shown, id]);
  const match = (c: Column) => !q || c.key.toLowerCase().includes(q.toLowerCase());

  return (
    <div className="cmp-picker" ref={box}>
      <button type="button" className="btn btn--small" aria-expanded={open} onClick={() => setOpen(!open)}>
        Columns ({shown.length})
      </button>
      {open && (
        <div className="cmp-picker__panel" role="dialog" aria-label="Columns">
          <input
            className="input"
            autoFocus
            placeholder="Search columns"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
          />
          <div className="cmp-picker__list">
            {GROUPS.map(([g, title]) => {
              const cols = table.columns.filter((c) => c.group === g && match(c));
              if (!cols.length) return null;
              return (
                <fieldset key={g} className="cmp-picker__group">
                  <legend>
                    {title}{' '}
                    <button
                      type="button"
                      className="linkish"
                      onClick={() =>
                        onChange([
                          ...shown.filter((id) => !cols.some((c) => c.id === id)),
                          ...cols.map((c) => c.id),
                        ])
                      }
                    >
                      all
                    </button>{' '}
                    <button
                      type="button"
                      className="linkish"
                      onClick={() => onChange(shown.filter((id) => !cols.some((c) => c.id === id)))}
                    >
                      none
                    </button>
                  </legend>
                  {cols.map((c) => (
                    <label key={c.id} className="cmp-picker__item">
                      <input type="checkbox" checked={set.has(c.id)} onChange={() => toggle(c.id)} /> {c.key}
                    </label>
                  ))}
                </fieldset>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
