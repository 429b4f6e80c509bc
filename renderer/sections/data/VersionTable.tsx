import type { ReactNode } from 'react';
import type { ArtifactInfo, VersionInfo } from '../../../shared/api/index.js';
import { bytes, when } from './format.js';
import { checkReport, useStoreHealth } from './storeHealth.js';
import { href } from '../../stores/route.js';

interface Props {
  artifact: ArtifactInfo;
  selected: number | null;
  compare: { a: number | null; b: number | null };
  alias: string;
  onSelect(v: VersionInfo): void;
  onCompare(side: 'a' | 'b', v: VersionInfo): void;
  onPromote(v: VersionInfo): void;
  /** what the Models screen shows beside a version's aliases: its gate status */
  gateBadge?: (v: VersionInfo) => ReactNode;
  /** more actions on a version, after promoting (the Models screen's Deploy…) */
  actions?: (v: VersionInfo) => ReactNode;
}

/** The versions of one artifact, newest first: what each is, where it came from, and its aliases. */
export function VersionTable({
  artifact,
  selected,
  compare,
  alias,
  onSelect,
  onCompare,
  onPromote,
  gateBadge,
  actions,
}: Props) {
  // Files of each version that the last integrity check found without their content.
  const report = checkReport(useStoreHealth((h) => h.check?.ended ?? null));
  const lost = new Map<number, number>();
  for (const m of report?.missing ?? [])
    if (m.artifact === artifact.name) lost.set(m.version, (lost.get(m.version) ?? 0) + 1);
  return (
    <div className="dv-versions-scroll">
      <table className="dv-grid dv-versions" data-testid="versions-table">
        <thead>
          <tr>
            <th title="Compare from">A</th>
            <th title="Compare to">B</th>
            <th>Version</th>
            <th>Recorded</th>
            <th className="dv-num">Size</th>
            <th className="dv-num">Files</th>
            <th>Source</th>
            <th>Aliases</th>
            <th>Message</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {artifact.versions.map((v) => (
            <tr
              key={v.id}
              className={v.number === selected ? 'is-selected' : ''}
              onClick={() => onSelect(v)}
              data-testid={`version-row-${v.number}`}
            >
              <td onClick={(e) => e.stopPropagation()}>
                <input
                  type="radio"
                  name="cmp-a"
                  aria-label={`compare from version ${v.number}`}
                  checked={compare.a === v.number}
                  onChange={() => onCompare('a', v)}
                />
              </td>
              <td onClick={(e) => e.stopPropagation()}>
                <input
                  type="radio"
                  name="cmp-b"
                  aria-label={`compare to version ${v.number}`}
                  checked={compare.b === v.number}
                  onChange={() => onCompare('b', v)}
                />
              </td>
              <td>
                <strong>@{v.number}</strong> <code className="dv-hash">{v.rootHash.slice(0, 10)}</code>
                {lost.has(v.number) && (
                  <span
                    className="dv-lost"
                    data-testid={`lost-${v.number}`}
                    title="The last integrity check found files of this version without their content in the store"
                  >
                    {lost.get(v.number)} file{lost.get(v.number) === 1 ? '' : 's'} lost
                  </span>
                )}
              </td>
              <td className="dv-when">{when(v.createdAt)}</td>
              <td className="dv-num">{bytes(v.totalBytes)}</td>
              <td className="dv-num">{v.fileCount}</td>
              <td>
                <span className={`dv-source dv-source--${v.source}`}>{v.source}</span>
                {v.runId && (
                  <a
                    className="dv-run"
                    href={href('runs', [v.runId])}
                    title="open the run that produced this version"
                    onClick={(e) => e.stopPropagation()}
                    data-testid={`source-run-${v.number}`}
                  >
                    <code>{v.runId.slice(0, 8)}</code>
                  </a>
                )}
              </td>
              <td>
                {v.aliases.map((a) => (
                  <span key={a} className="dv-alias" data-testid="alias">
                    {a}
                  </span>
                ))}
                {gateBadge?.(v)}
              </td>
              <td className="dv-message">{v.message}</td>
              <td onClick={(e) => e.stopPropagation()}>
                {!v.aliases.includes(alias) && alias && (
                  <button
                    type="button"
                    className="btn btn--ghost btn--small"
                    onClick={() => onPromote(v)}
                    data-testid={`promote-${v.number}`}
                  >
                    Make {alias}
                  </button>
                )}
                {actions?.(v)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
