import type { ColumnStats, DiffResult, TabularChange } from '../../../shared/api/index.js';
import { bytes, num } from './format.js';

function describe(c: ColumnStats | undefined): string {
  if (!c) return '–';
  const parts = [c.type, `${c.nulls} null`, `${c.distinct}${c.distinctCapped ? '+' : ''} distinct`];
  if (c.mean !== null) parts.push(`min ${num(c.min)}`, `max ${num(c.max)}`, `mean ${num(c.mean)}`);
  return parts.join(' · ');
}

function Table({ t, fileName }: { t: TabularChange; fileName: string }) {
  const before = new Map((t.before?.columns ?? []).map((c) => [c.name, c]));
  const after = new Map((t.after?.columns ?? []).map((c) => [c.name, c]));
  const names = [...new Set([...(t.before?.columns ?? []), ...(t.after?.columns ?? [])].map((c) => c.name))];
  return (
    <div className="dv-table" data-testid="tabular-diff">
      <h4 className="dv-table__title">
        <code>{t.path || fileName}</code> <span className="muted">{t.before?.format ?? t.after?.format}</span>
      </h4>
      {t.error && <p className="dv-error">Could not read: {t.error}</p>}
      <p className="dv-table__rows" data-testid="row-change">
        rows {t.before?.rows ?? '–'} → {t.after?.rows ?? '–'}
        {t.rowDelta !== null && (
          <strong className={t.rowDelta === 0 ? '' : t.rowDelta > 0 ? 'dv-plus' : 'dv-minus'}>
            {' '}
            ({t.rowDelta >= 0 ? '+' : ''}
            {t.rowDelta})
          </strong>
        )}
      </p>
      {(t.addedColumns.length > 0 || t.removedColumns.length > 0 || t.typeChanges.length > 0) && (
        <ul className="dv-schema" data-testid="schema-change">
          {t.addedColumns.map((c) => (
            <li key={`a${c}`} className="dv-plus">
              + column {c}
            </li>
          ))}
          {t.removedColumns.map((c) => (
            <li key={`r${c}`} className="dv-minus">
              − column {c}
            </li>
          ))}
          {t.typeChanges.map((c) => (
            <li key={`t${c.column}`}>
              ~ {c.column}: {c.from} → {c.to}
            </li>
          ))}
        </ul>
      )}
      <table className="dv-grid dv-stats">
        <thead>
          <tr>
            <th>Column</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {names.map((n) => {
            const a = describe(before.get(n));
            const b = describe(after.get(n));
            return (
              <tr key={n} className={a === b ? '' : 'dv-changed'}>
                <th>{n}</th>
                <td>{a}</td>
                <td>{b}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** What changed between two versions: files, sizes, and for tables their shape and statistics. */
export function DiffPanel({ diff, artifactPath }: { diff: DiffResult; artifactPath: string }) {
  const rows = [
    ...diff.added.map((f) => ({ ...f, mark: 'A', cls: 'dv-plus' })),
    ...diff.removed.map((f) => ({ ...f, mark: 'D', cls: 'dv-minus' })),
    ...diff.changed.map((f) => ({ ...f, mark: 'M', cls: '' })),
  ];
  return (
    <div className="dv-diff" data-testid="diff-panel">
      <p className="dv-diff__summary" data-testid="diff-summary">
        {diff.added.length} added, {diff.removed.length} removed, {diff.changed.length} changed,{' '}
        {diff.unchanged} unchanged
      </p>
      {rows.length > 0 && (
        <table className="dv-grid">
          <tbody>
            {rows.map((r) => (
              <tr key={r.mark + r.path} data-testid="diff-file">
                <td className={r.cls}>
                  <strong>{r.mark}</strong>
                </td>
                <td>
                  <code>{r.path || artifactPath}</code>
                </td>
                <td className="dv-num">
                  {bytes(r.sizeBefore)} → {bytes(r.sizeAfter)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {diff.tabular.map((t) => (
        <Table key={t.path} t={t} fileName={artifactPath} />
      ))}
    </div>
  );
}
