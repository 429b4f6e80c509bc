import { useEffect, useState } from 'react';
import type { Api, BundleImportRecord } from '../../../shared/api/index.js';
import { describeCodeState } from '../../../shared/code-state.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';

/** The versions of an artifact that came from bundles, read once per artifact (bundle.imports). */
export function useBundleImports(api: Api, artifact: string | null, versions: number): BundleImportRecord[] {
  const [records, setRecords] = useState<BundleImportRecord[]>([]);
  useEffect(() => {
    let live = true;
    setRecords([]);
    if (artifact)
      api.call('bundle.imports', { artifact }).then(
        (r) => live && setRecords(r),
        // No mark is better than a wrong one; the version's own details still show.
        () => undefined,
      );
    return () => {
      live = false;
    };
    // versions: a new import adds a version, so the list is read again.
  }, [api, artifact, versions]);
  return records;
}

/**
 * An imported version's mark and the lineage its bundle carried, read-only: its run ran in the project
 * the bundle came from, so there is nothing here to reproduce it from.
 */
export function ImportedFrom({ record: r }: { record: BundleImportRecord }) {
  const l = r.lineage;
  const problem: StrataErrorData | null = r.lineageProblem
    ? { code: 'DATA_INVALID', message: r.lineageProblem }
    : null;
  const metrics = Object.entries(l?.metrics ?? {});
  const params = Object.entries(l?.params ?? {});
  return (
    <div data-testid="imported-from">
      <p>
        <span className="badge">Imported</span> from bundle{' '}
        <code>{r.file ?? r.bundleSha256.slice(0, 12)}</code> ·{' '}
        {r.signer ? (
          <>
            signed by <code>{r.signer}</code>
          </>
        ) : (
          'unsigned'
        )}{' '}
        · on {new Date(r.importedAt).toLocaleString()}
      </p>
      <p className="muted">
        It was {r.origin} where it came from (bundle sha256 <code>{r.bundleSha256.slice(0, 16)}</code>).
      </p>
      {problem && <ErrorNotice error={problem} title="The bundle's lineage could not be read" />}
      {l && !l.run && <p className="muted">No run recorded it where it came from.</p>}
      {l?.run && (
        <>
          <p>
            Produced by run <strong>{l.run.name}</strong> <code className="muted">{l.run.id}</code> (
            {l.run.status})
          </p>
          {l.code && (
            <p>
              <code style={{ overflowWrap: 'anywhere' }}>{describeCodeState(l.code).headline}</code>
            </p>
          )}
          <table className="dv-kv" data-testid="imported-lineage">
            <tbody>
              {params.map(([k, v]) => (
                <tr key={`p-${k}`}>
                  <th scope="row">{k}</th>
                  <td>{JSON.stringify(v)}</td>
                </tr>
              ))}
              {metrics.map(([k, v]) => (
                <tr key={`m-${k}`}>
                  <th scope="row">{k}</th>
                  <td>{String(Number(v.toPrecision(6)))}</td>
                </tr>
              ))}
              {l.datasets.map((d) => (
                <tr key={`d-${d.artifact}@${d.version}`}>
                  <th scope="row">data</th>
                  <td>
                    <code>
                      {d.artifact}@{d.version}
                    </code>{' '}
                    <span className="muted">{d.rootHash.slice(0, 12)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">
            Read-only lineage, as the bundle carried it: that run is in the project the bundle came from, not
            this one, so it cannot be reproduced or opened here.
          </p>
        </>
      )}
    </div>
  );
}
