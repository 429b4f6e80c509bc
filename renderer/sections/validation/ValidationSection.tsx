import { useCallback, useEffect, useState } from 'react';
import type {
  CheckTrend,
  GateReport,
  ProfileView,
  ValidationEntryInfo,
  ValidationReport,
} from '../../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { SectionHeader } from '../../components/SectionHeader.js';

import type { SectionProps } from '../types.js';
import { downloadHtml } from '../../components/download.js';
import { GatesView } from './GatesView.js';
import { ProfilesView } from './ProfilesView.js';
import { ReportView } from './ReportView.js';
import { TrendView } from './TrendView.js';
import './validation.css';

interface Shown {
  report: ValidationReport | null;
  profiles: ProfileView[] | null;
  trends: CheckTrend[];
}

/** Datasets' validation: versions at a glance, a version's report, its column profiles and each check's trend. */
export function ValidationSection({ api, project }: SectionProps) {
  const [entries, setEntries] = useState<ValidationEntryInfo[] | null>(null);
  const [gates, setGates] = useState<GateReport[]>([]);
  const [selected, setSelected] = useState<{ name: string; version: number | null } | null>(null);
  const [shown, setShown] = useState<Shown>({ report: null, profiles: null, trends: [] });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<StrataErrorData | null>(null);

  const load = useCallback(async () => {
    try {
      setEntries(await api.call('validation.list', {}));
      setGates(await api.call('gates.overview', {}));
    } catch (err) {
      setError(toErrorData(err));
      setEntries([]);
    }
  }, [api]);
  useEffect(() => {
    void load();
    const offs = [
      api.on('artifact.versioned', () => void load()),
      api.on('validation.report', () => void load()),
    ];
    return () => offs.forEach((off) => off());
  }, [api, load, project.root]);

  const entry = entries?.find((e) => e.name === selected?.name) ?? entries?.[0];
  const versionNumber =
    selected?.name === entry?.name && selected?.version != null
      ? selected.version
      : (entry?.versions[0]?.version ?? null);
  const row = entry?.versions.find((v) => v.version === versionNumber);
  const reportId = row?.report?.id ?? null;

  useEffect(() => {
    let live = true;
    setShown({ report: null, profiles: null, trends: [] });
    if (!entry || versionNumber === null) return;
    void (async () => {
      try {
        const [report, trends] = await Promise.all([
          reportId !== null ? api.call('validation.report', { id: reportId }) : Promise.resolve(null),
          api.call('validation.trend', { name: entry.name }),
        ]);
        if (live) setShown((s) => ({ ...s, report, trends }));
        const profiles = await api.call('validation.profiles', { name: entry.name, version: versionNumber });
        if (live) setShown((s) => ({ ...s, profiles }));
      } catch (err) {
        if (live) setError(toErrorData(err));
      }
    })();
    return () => {
      live = false;
    };
  }, [api, entry?.name, versionNumber, reportId]);

  const validate = async (force: boolean) => {
    if (!entry || versionNumber === null) return;
    setBusy(true);
    setError(null);
    try {
      await api.call('validation.run', { target: `${entry.artifact}@${versionNumber}`, force });
      await load();
    } catch (err) {
      setError(toErrorData(err));
    } finally {
      setBusy(false);
    }
  };

  const exportHtml = async () => {
    if (reportId === null) return;
    try {
      const { html, fileName } = await api.call('validation.html', { id: reportId });
      downloadHtml(fileName, html);
    } catch (err) {
      setError(toErrorData(err));
    }
  };

  const exportGates = async (r: GateReport) => {
    try {
      const { html, fileName } = await api.call('gates.html', { target: `${r.artifact}@${r.version}` });
      downloadHtml(fileName, html);
    } catch (err) {
      setError(toErrorData(err));
    }
  };

  const header = (
    <SectionHeader title="Validation" subtitle={`Checks on the datasets of ${project.name}, per version.`} />
  );
  if (entries === null) return header;
  if (entries.length === 0)
    return (
      <>
        {header}
        {error && <ErrorNotice error={error} title="The validation rules cannot be read" />}
        <EmptyState title="No validation rules yet" command="strata validate infer train@latest --write">
          <p>
            Rules under <code>validations:</code> in strata.yaml check each dataset version: columns and
            types, missing values, ranges, allowed values, patterns, uniqueness, row counts and drift from the
            previous version. Let Strata propose rules from a version you trust, then edit them.
          </p>
        </EmptyState>
        <GatesView reports={gates} onExport={(r) => void exportGates(r)} />
      </>
    );

  return (
    <>
      {header}
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="picker">
        <nav className="picker__list" aria-label="Validated datasets">
          {entries.map((e) => {
            const latest = e.versions[0]?.report?.status ?? 'none';
            return (
              <button
                key={e.name}
                type="button"
                className={`picker__item${e.name === entry?.name ? ' is-selected' : ''}`}
                onClick={() => setSelected({ name: e.name, version: null })}
                data-testid={`entry-${e.name}`}
              >
                <span className="picker__name vl-item__name">
                  {e.name} <span className={`vl-dot vl-dot--${latest}`} />
                </span>
                <span className="vl-item__meta">
                  {e.artifact}
                  {e.include ? ` · ${e.include}` : ''} · {e.ruleCount} rule{e.ruleCount === 1 ? '' : 's'}
                </span>
              </button>
            );
          })}
        </nav>
        {entry && (
          <div className="vl-main">
            <div className="vl-versions" role="tablist" aria-label="Versions">
              {entry.versions.length === 0 && (
                <span className="muted">{entry.artifact} has no versions yet.</span>
              )}
              {entry.versions.map((v) => {
                const status = v.report?.status ?? 'none';
                return (
                  <button
                    key={v.version}
                    type="button"
                    role="tab"
                    aria-selected={v.version === versionNumber}
                    className={`vl-version vl-version--${status}${v.version === versionNumber ? ' is-selected' : ''}`}
                    onClick={() => setSelected({ name: entry.name, version: v.version })}
                    data-testid={`version-${v.version}`}
                    data-status={status}
                    title={
                      v.report
                        ? `${status}: ${v.report.counts.failed} failed, ${v.report.counts.warned} warnings`
                        : 'not validated yet'
                    }
                  >
                    @{v.version}{' '}
                    <span className="vl-version__status">{status === 'none' ? '—' : status}</span>
                  </button>
                );
              })}
            </div>
            {versionNumber !== null && (
              <div className="vl-toolbar">
                <h2 className="vl-h2">
                  {entry.artifact}@{versionNumber}
                </h2>
                <button
                  type="button"
                  className="btn btn--primary btn--small"
                  disabled={busy}
                  onClick={() => void validate(reportId !== null)}
                  data-testid="validate"
                >
                  {busy ? 'Validating…' : reportId === null ? 'Validate' : 'Validate again'}
                </button>
                <button
                  type="button"
                  className="btn btn--ghost btn--small"
                  disabled={reportId === null}
                  onClick={() => void exportHtml()}
                  data-testid="export-html"
                >
                  Export HTML
                </button>
              </div>
            )}
            {shown.report ? (
              <ReportView report={shown.report} />
            ) : (
              versionNumber !== null && (
                <p className="muted" data-testid="not-validated">
                  @{versionNumber} has not been validated with the current rules. Validate it here, or run{' '}
                  <code>
                    strata validate {entry.artifact}@{versionNumber}
                  </code>
                  .
                </p>
              )
            )}
            {shown.profiles && <ProfilesView views={shown.profiles} />}
            <TrendView trends={shown.trends} />
            <GatesView reports={gates} onExport={(r) => void exportGates(r)} />
          </div>
        )}
      </div>
    </>
  );
}
