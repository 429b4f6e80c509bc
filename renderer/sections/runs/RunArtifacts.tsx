import { useEffect, useState } from 'react';
import type { Api, RunFile, RunFileContent } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { formatBytes } from '../../../shared/format.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { href } from '../../stores/route.js';

/** A table file (log_table) is { columns, data }; shown as a table, the first rows. */
function TablePreview({ text }: { text: string }) {
  let table: { columns: string[]; data: unknown[][] } | null = null;
  try {
    const v = JSON.parse(text) as { columns?: unknown; data?: unknown };
    if (Array.isArray(v.columns) && Array.isArray(v.data))
      table = { columns: v.columns.map(String), data: v.data as unknown[][] };
  } catch {
    table = null;
  }
  if (!table) return <pre className="rn-file__text">{text}</pre>;
  return (
    <div className="rn-file__table">
      <table className="rn-table">
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.data.slice(0, 200).map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>
                  {cell === null ? '' : typeof cell === 'object' ? JSON.stringify(cell) : String(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {table.data.length > 200 && <p className="muted">First 200 of {table.data.length} rows.</p>}
    </div>
  );
}

function Preview({ file }: { file: RunFileContent }) {
  const cut = file.truncated ? (
    <p className="muted">
      Preview cut at {formatBytes(file.content.length)} of {formatBytes(file.bytes)}.
    </p>
  ) : null;
  if (file.media.startsWith('image/')) {
    if (file.truncated) return <p className="muted">Too large to show ({formatBytes(file.bytes)}).</p>;
    const src =
      file.encoding === 'base64'
        ? `data:${file.media};base64,${file.content}`
        : `data:${file.media};charset=utf-8,${encodeURIComponent(file.content)}`;
    return <img className="rn-file__image" src={src} alt={file.path} />;
  }
  if (file.media === 'application/json' || file.media.endsWith('table+json'))
    return (
      <>
        <TablePreview text={file.content} />
        {cut}
      </>
    );
  if (file.media === 'text/csv' || file.media === 'text/tab-separated-values') {
    const sep = file.media === 'text/csv' ? ',' : '\t';
    const rows = file.content.split(/\r?\n/).filter(Boolean).slice(0, 51);
    const text = JSON.stringify({
      columns: rows[0]?.split(sep) ?? [],
      data: rows.slice(1).map((r) => r.split(sep)),
    });
    return (
      <>
        <TablePreview text={text} />
        {cut}
      </>
    );
  }
  if (file.encoding === 'utf8' && !file.media.startsWith('application/octet'))
    return (
      <>
        <pre className="rn-file__text">{file.content}</pre>
        {cut}
      </>
    );
  return <p className="muted">No preview for this kind of file ({formatBytes(file.bytes)}).</p>;
}

/** The files a run made or wrote: images inline, text, CSV and JSON previewed, versions linked. */
export function RunArtifacts({ api, runId, version }: { api: Api; runId: string; version: number }) {
  const [files, setFiles] = useState<RunFile[] | null>(null);
  const [open, setOpen] = useState<RunFileContent | null>(null);
  const [error, setError] = useState<StrataErrorData | null>(null);
  useEffect(() => {
    let live = true;
    api.call('runs.files', { id: runId }).then(
      (f) => {
        if (!live) return;
        setFiles(f);
        // A run's first image is what a person wants to see first.
        const first =
          f.find((x) => x.kind === 'file' && x.media.startsWith('image/')) ??
          f.find((x) => x.kind === 'file');
        if (first)
          void api
            .call('runs.file', { id: runId, path: first.path })
            .then((c) => live && setOpen(c), setError);
      },
      (e: StrataErrorData) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, runId, version]);
  if (error) return <ErrorNotice error={error} />;
  if (!files) return <p className="muted">Loading…</p>;
  if (files.length === 0)
    return (
      <p className="muted">
        No files. A step or script keeps files with <code>log_artifact</code>, <code>log_figure</code>,{' '}
        <code>log_dict</code> or <code>log_table</code>; declared outs appear here once written.
      </p>
    );
  const show = (f: RunFile) =>
    void api
      .call('runs.file', { id: runId, path: f.path })
      .then(setOpen, (e: StrataErrorData) => setError(e));
  return (
    <div className="rn-files" data-testid="run-artifacts">
      <ul className="rn-files__list">
        {files.map((f) => (
          <li key={`${f.kind}:${f.path}`}>
            {f.kind === 'file' ? (
              <button
                type="button"
                className={`linkish${open?.path === f.path ? ' is-active' : ''}`}
                onClick={() => show(f)}
              >
                {f.path}
              </button>
            ) : (
              <span>
                {f.path}{' '}
                <a
                  href={
                    f.version && f.version > 1
                      ? href('data', ['diff', f.artifact ?? '', f.version - 1, f.version])
                      : href('data', f.artifact && f.version ? [f.artifact, f.version] : [])
                  }
                  title={f.version && f.version > 1 ? 'what changed from the version before' : 'open Data'}
                >
                  {f.artifact}@{f.version}
                </a>
              </span>
            )}{' '}
            <small className="muted">
              {f.fileCount && f.fileCount > 1 ? `${f.fileCount} files, ` : ''}
              {formatBytes(f.bytes)}
            </small>
          </li>
        ))}
      </ul>
      <div className="rn-files__preview" data-testid="run-artifact-preview">
        {open ? (
          <>
            <div className="rn-files__name">
              <code>{open.path}</code> <small className="muted">{formatBytes(open.bytes)}</small>
            </div>
            <Preview file={open} />
          </>
        ) : (
          <p className="muted">Pick a file to preview it.</p>
        )}
      </div>
    </div>
  );
}
