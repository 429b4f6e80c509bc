import { useState, type ReactNode } from 'react';
import type { Api, BundleReview } from '../../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { downloadHtml } from '../../components/download.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { describeCodeState } from '../../../shared/code-state.js';
import { formatBytes } from '../../../shared/format.js';
import './review.css';

const SIGNATURE: Record<BundleReview['verify']['signature']['status'], [string, string]> = {
  trusted: ['ok', 'signed by a trusted key'],
  'unknown-key': ['warn', 'signed by a key this machine does not trust'],
  unsigned: ['warn', 'not signed'],
  invalid: ['bad', 'signature does not match'],
};

const STATUS_CLASS: Record<string, string> = { pass: 'ok', warn: 'warn', fail: 'bad', error: 'bad' };

function Badge({ status, children }: { status: string; children?: ReactNode }) {
  return <span className={`rv-badge rv-badge--${STATUS_CLASS[status] ?? 'none'}`}>{children ?? status}</span>;
}

function Kv({ rows, testId }: { rows: [string, ReactNode][]; testId?: string }) {
  return (
    <table className="rv-kv" data-testid={testId}>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="rv-card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

const value = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : JSON.stringify(v));

function CodeCard({ r }: { r: BundleReview }) {
  if (!r.run) return <Card title="Code">{<p className="muted">No run recorded this version.</p>}</Card>;
  const c = r.code && describeCodeState(r.code);
  return (
    <Card title="Code" testId="bundle-code">
      {c ? (
        <>
          <p>
            <code>{c.headline}</code>
          </p>
          <ul className="rv-diffs">
            {c.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">The bundle does not say which code the run ran.</p>
      )}
      {r.diff && (
        <>
          <h3>
            Uncommitted change: {r.diff.files.length} {r.diff.files.length === 1 ? 'file' : 'files'},{' '}
            <span className="rv-add">+{r.diff.added}</span> <span className="rv-del">−{r.diff.deleted}</span>
          </h3>
          <table className="rv-table rv-table--compact" data-testid="bundle-diffstat">
            <tbody>
              {r.diff.files.map((f) => (
                <tr key={f.path}>
                  <td>
                    <code>{f.path}</code>
                  </td>
                  <td className="num">
                    {f.binary ? (
                      <span className="muted">binary, not carried</span>
                    ) : (
                      <>
                        <span className="rv-add">+{f.added}</span>{' '}
                        <span className="rv-del">−{f.deleted}</span>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <pre className="rv-patch" data-testid="bundle-diff">
            {r.diff.text.split('\n').map((line, i) => (
              <span
                key={i}
                className={
                  line.startsWith('+') && !line.startsWith('+++')
                    ? 'rv-add'
                    : line.startsWith('-') && !line.startsWith('---')
                      ? 'rv-del'
                      : line.startsWith('@@')
                        ? 'rv-hunk'
                        : undefined
                }
              >
                {line + '\n'}
              </span>
            ))}
          </pre>
          <p className="hint">
            {r.diff.truncated ? `The first 256 KiB of ${formatBytes(r.diff.bytes)}; all of it is in ` : 'In '}
            <code>{r.diff.path}</code> (sha256 <code>{r.diff.sha256.slice(0, 16)}</code>).
          </p>
        </>
      )}
      {r.untracked.length > 0 && (
        <>
          <h3>Untracked files: {r.untracked.length}</h3>
          <table className="rv-table rv-table--compact" data-testid="bundle-untracked">
            <tbody>
              {r.untracked.map((f) => (
                <tr key={f.path}>
                  <td>
                    <code>{f.path}</code>
                  </td>
                  <td className="num">{formatBytes(f.bytes)}</td>
                  <td>
                    <code>{f.sha256.slice(0, 16)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">
            In <code>{r.folder}/code/untracked/</code>, as the run's code state kept them.
          </p>
        </>
      )}
    </Card>
  );
}

/** A deploy bundle opened for review: what it is, who vouches for it, and where its model comes from. */
export function BundleReviewView({ api, review: r }: { api: Api; review: BundleReview }) {
  const [error, setError] = useState<StrataErrorData | null>(null);
  const [exporting, setExporting] = useState(false);
  const exportReview = () => {
    setExporting(true);
    setError(null);
    api
      .call('bundle.reviewHtml', { file: r.file })
      .then(
        ({ fileName, html }) => downloadHtml(fileName, html),
        (e: unknown) => setError(toErrorData(e)),
      )
      .finally(() => setExporting(false));
  };
  const sig = r.verify.signature;
  const [sigClass, sigLabel] = SIGNATURE[sig.status];
  const params = Object.entries(r.params);
  const metrics = Object.entries(r.metrics);
  const env = r.environment;
  return (
    <div className="rv-bundle" data-testid="bundle-review">
      <div className="rv-bundle__head">
        <h2 className="rv-bundle__title">
          {r.model.name}@{r.model.version}
        </h2>
        <span className="rv-badge rv-badge--ok" data-testid="bundle-integrity">
          every checksum matches
        </span>
        <span className={`rv-badge rv-badge--${sigClass}`} data-testid="bundle-signature">
          {sigLabel}
          {sig.fingerprint ? ` · ${sig.fingerprint}` : ''}
        </span>
        <span className="rv-badge rv-badge--none">read-only</span>
        <button
          type="button"
          className="btn btn--small rv-bundle__export"
          onClick={exportReview}
          disabled={exporting}
          data-testid="bundle-export-review"
        >
          {exporting ? 'Writing…' : 'Export review'}
        </button>
      </div>
      {error && (
        <ErrorNotice error={error} title="Could not write the review" onDismiss={() => setError(null)} />
      )}
      {[...r.verify.problems, ...r.unreadable.map((u) => `unreadable: ${u}`)].map((p) => (
        <p key={p} className="notice notice--info rv-bundle__problem">
          {p}
        </p>
      ))}
      <div className="rv-bundle__grid">
        <Card title="Bundle">
          <Kv
            rows={[
              ['file', <code key="f">{r.file}</code>],
              ['sha256', <code key="s">{r.verify.sha256}</code>],
              ['made', `${r.createdAt ?? '?'} by ${r.createdBy ?? '?'}`],
              ['model', <code key="m">{`${r.model.path} (${r.model.type})`}</code>],
              ['root hash', <code key="h">{r.model.rootHash.slice(0, 24)}</code>],
              ['opened in', <code key="o">{r.folder}</code>],
            ]}
          />
        </Card>
        <Card title="Run" testId="bundle-run">
          {r.run ? (
            <Kv
              rows={[
                ['run', `${r.run.name} · ${r.run.id}`],
                [
                  'status',
                  <Badge key="s" status={r.run.status === 'done' ? 'pass' : 'warn'}>
                    {r.run.status}
                  </Badge>,
                ],
                ['started', new Date(r.run.startedAt).toISOString()],
                ...params.map(([k, v]): [string, ReactNode] => [k, <code key={k}>{value(v)}</code>]),
                ...metrics.map(([k, v]): [string, ReactNode] => [k, value(v)]),
              ]}
            />
          ) : (
            <p className="muted">No run recorded this version.</p>
          )}
        </Card>
      </div>
      <CodeCard r={r} />
      <div className="rv-bundle__grid">
        <Card title={`Data the run read (${r.datasets.length})`} testId="bundle-data">
          {r.datasets.length ? (
            <table className="rv-table">
              <tbody>
                {r.datasets.map((d) => (
                  <tr key={`${d.artifact}@${d.version}`}>
                    <td>
                      {d.artifact}@{d.version}
                    </td>
                    <td>
                      <code>{d.path}</code>
                    </td>
                    <td>
                      <code className="muted">{d.rootHash.slice(0, 12)}</code>
                    </td>
                    <td className="muted">{d.stages.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">None recorded.</p>
          )}
        </Card>
        <Card title="Environment">
          {env ? (
            <Kv
              rows={[
                ['Python', env.python ?? 'not found'],
                ['Node', env.node ?? '?'],
                ['OS', env.os ?? '?'],
                ['packages', env.packages.length ? `${env.packages.length} (pip freeze)` : 'none recorded'],
                ['lock files', env.lockFiles.map((l) => l.name).join(', ') || 'none'],
              ]}
            />
          ) : (
            <p className="muted">Not recorded.</p>
          )}
        </Card>
        <Card title="Gates and validation" testId="bundle-checks">
          <p>
            Gates: <Badge status={r.gates?.status ?? 'none'}>{r.gates?.status ?? 'not recorded'}</Badge>
          </p>
          {r.gates && r.gates.gates.length > 0 && (
            <ul className="rv-diffs">
              {r.gates.gates.map((g) => (
                <li key={g.label}>
                  <Badge status={g.status} /> {g.label}: {g.message}
                </li>
              ))}
              {r.gates.overrides.map((o) => (
                <li key={o.alias}>
                  override for {o.alias} by {o.who}: {o.reason}
                </li>
              ))}
            </ul>
          )}
          <p>Validation of the data:</p>
          {r.validation.length ? (
            <ul className="rv-diffs">
              {r.validation.map((v) => (
                <li key={`${v.artifact}${v.version}${v.name}${v.at}`}>
                  <Badge status={v.status} /> {v.artifact}@{v.version} {v.name}
                  {v.counts &&
                    ` · ${v.counts.passed} passed, ${v.counts.failed} failed, ${v.counts.warned} warnings`}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No report.</p>
          )}
        </Card>
        <Card title="Serving">
          <Kv
            rows={[
              [
                'input example',
                r.inputExample ? `${r.inputExample.rows} rows (${r.inputExample.source})` : 'none',
              ],
              ['reference statistics', `${r.referenceStatistics.length} files (for drift monitors)`],
              ['serve it', <code key="s">strata serve {r.file}</code>],
            ]}
          />
        </Card>
      </div>
      <Card title={`Files (${r.files.length}, ${formatBytes(r.files.reduce((s, f) => s + f.size, 0))})`}>
        <table className="rv-table" data-testid="bundle-files">
          <tbody>
            {r.files.map((f) => (
              <tr key={f.path}>
                <td>
                  <code>{f.path}</code>
                </td>
                <td className="num">{formatBytes(f.size)}</td>
                <td>
                  <code className="muted">{f.sha256.slice(0, 16)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
