import { useMemo, useState } from 'react';
import type { ColumnDrift, MonitorState } from '../../../shared/api/index.js';
import { fmt, Heatmap, Overlay, SeriesChart, severity, Timeline } from './charts.js';

const METHOD: Record<string, string> = {
  ks_2samp: 'KS p-value (adj.)',
  chi2_contingency: 'χ² p-value (adj.)',
  wasserstein_1: 'Wasserstein / std',
  jensen_shannon: 'Jensen–Shannon',
  psi: 'PSI',
  missing_share: 'Δ missing share',
};

function statsLine(c: ColumnDrift): string {
  if (c.kind === 'numeric')
    return `KS ${fmt(c.ks?.statistic)} (p ${fmt(c.ks?.pvalue)}) · W₁/σ ${fmt(c.wasserstein?.normalised)} · PSI ${fmt(c.psi?.value)}`;
  return `χ² p ${fmt(c.chi2?.pvalue)} · JS ${fmt(c.jensenShannon?.distance)} · PSI ${fmt(c.psi?.value)}`;
}

export function MonitorView({ state }: { state: MonitorState }) {
  const { windows } = state;
  const [picked, setPicked] = useState<number | null>(null);
  const [sort, setSort] = useState<'severity' | 'name'>('severity');
  const selected =
    picked !== null && picked < windows.length ? picked : windows.length ? windows.length - 1 : null;
  const current = selected !== null ? windows[selected] : null;
  const byWindow = useMemo(
    () =>
      windows.map((w) => ({ index: w.index, columns: new Map(w.report.columns.map((c) => [c.name, c])) })),
    [windows],
  );
  const names = useMemo(() => {
    const cols = current?.report.columns ?? [];
    const list = cols.map((c) => c.name);
    if (sort === 'name') return [...list].sort();
    const sev = new Map(
      cols.map((c) => [c.name, c.status === 'missing_in_current' ? 1e9 : severity(c.verdict)]),
    );
    return [...list].sort((a, b) => sev.get(b)! - sev.get(a)!);
  }, [current, sort]);
  const detectionWindows = [...new Set(state.detections.map((d) => d.window))];
  const lastDrifted =
    current?.report.columns.filter((c) => c.status === 'drift' || c.status === 'missing_in_current') ?? [];
  const hasPerf = windows.some((w) => w.performance);
  const hasEstimate = windows.some((w) => w.estimated);
  const hasLabelShift = windows.some((w) => w.labelShift);

  return (
    <div className="dr-monitor-view" data-testid="monitor-view">
      <div className="dr-facts" data-testid="monitor-facts">
        <span>
          reference <code>{state.reference}</code>
        </span>
        <span>
          logs <code>{state.source}</code>
        </span>
        <span>{windows.length} windows</span>
        <span>{state.pendingRows} rows waiting for the next</span>
        <span>
          labels: {state.labels.joined} joined, {state.labels.waiting} waiting
        </span>
        {state.lastRunAt && <span>read {new Date(state.lastRunAt).toLocaleTimeString()}</span>}
      </div>
      {state.error && (
        <div className="notice notice--error" role="alert">
          {state.error}
        </div>
      )}
      {state.unsettled.length > 0 && (
        <p className="dr-note" data-testid="unsettled">
          Still being written, read once quiet: {state.unsettled.join(', ')}
        </p>
      )}
      {state.special.length > 0 && (
        <p className="dr-note dr-note--warn" data-testid="special-files">
          Skipped, not log files: {state.special.map((f) => `${f.file} (a ${f.kind})`).join(', ')}
        </p>
      )}
      {state.malformed.count > 0 && (
        <details className="dr-note dr-note--warn" data-testid="malformed">
          <summary>
            {state.malformed.count} malformed line{state.malformed.count === 1 ? '' : 's'} skipped (the rest
            were used)
          </summary>
          <ul>
            {state.malformed.first.map((m) => (
              <li key={`${m.file}:${m.line}`}>
                <code>
                  {m.file}:{m.line}
                </code>{' '}
                {m.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {windows.length === 0 ? (
        <p className="muted" data-testid="no-windows">
          No full window yet: a window is{' '}
          {state.pendingRows
            ? `${state.pendingRows} rows short of full`
            : 'read once the logs hold enough rows'}
          .
        </p>
      ) : (
        <>
          <div
            className={state.alert ? 'dr-status dr-status--alert' : 'dr-status'}
            data-testid="window-status"
          >
            <strong>
              Window {selected! + 1} of {windows.length}
            </strong>{' '}
            rows {current!.firstRow + 1}–{current!.firstRow + current!.rows}
            {current!.from &&
              ` · ${new Date(current!.from).toLocaleString()} – ${new Date(current!.to!).toLocaleString()}`}
            {' · '}
            {lastDrifted.length
              ? `${lastDrifted.length} of ${current!.report.judged} columns drifted: ${lastDrifted.map((c) => c.name).join(', ')}`
              : `no column drifted (${current!.report.judged} judged)`}
            {current!.report.datasetDrift && ' · dataset drift'}
          </div>

          <section className="dr-panel" aria-label="Timelines">
            <div className="dr-panel__bar">
              <h2>Each column over time</h2>
              <label className="dr-sort">
                sort by{' '}
                <select value={sort} onChange={(e) => setSort(e.target.value as 'severity' | 'name')}>
                  <option value="severity">severity</option>
                  <option value="name">name</option>
                </select>
              </label>
            </div>
            <div className="dr-grid" data-testid="timelines">
              {names.map((n) => {
                const cols = byWindow.map((w) => w.columns.get(n));
                const now = cols[selected!];
                const v = cols.find((c) => c?.verdict)?.verdict ?? null;
                return (
                  <div
                    key={n}
                    className={`dr-card${now?.status === 'drift' ? ' dr-card--drift' : ''}`}
                    data-testid={`timeline-${n}`}
                  >
                    <div className="dr-card__head">
                      <strong>{n}</strong>
                      <span className={`dr-badge dr-badge--${now?.status ?? 'none'}`}>
                        {now?.status.replace(/_/g, ' ') ?? '–'}
                      </span>
                    </div>
                    <Timeline
                      label={`${n} per window`}
                      values={cols.map((c) => c?.verdict?.value ?? null)}
                      threshold={v?.threshold ?? null}
                      driftWhen={v?.driftWhen ?? 'above'}
                      selected={selected}
                      onSelect={setPicked}
                    />
                    <div className="dr-card__foot">
                      {now?.verdict
                        ? `${METHOD[now.verdict.method]} ${fmt(now.verdict.value)} vs ${fmt(now.verdict.threshold)}`
                        : (now?.message ?? '')}
                    </div>
                  </div>
                );
              })}
            </div>
          </section>

          <section className="dr-panel" aria-label="Heatmap">
            <h2>Columns × windows</h2>
            <Heatmap names={names} windows={byWindow} selected={selected} onSelect={setPicked} />
          </section>

          <section className="dr-panel" aria-label="Overlays">
            <h2>
              Window {selected! + 1} against the reference{' '}
              <span className="dr-legend dr-legend--ref">reference</span>{' '}
              <span className="dr-legend dr-legend--cur">window</span>
            </h2>
            <div className="dr-grid" data-testid="overlays">
              {names.map((n) => {
                const c = byWindow[selected!].columns.get(n);
                if (!c || (!c.histogram && !c.categories)) return null;
                return (
                  <div
                    key={n}
                    className={`dr-card${c.status === 'drift' ? ' dr-card--drift' : ''}`}
                    data-testid={`overlay-${n}`}
                  >
                    <div className="dr-card__head">
                      <strong>{n}</strong>
                      {c.newCategories && c.newCategories.length > 0 && (
                        <span className="dr-badge dr-badge--drift">
                          new: {c.newCategories.slice(0, 3).join(', ')}
                        </span>
                      )}
                    </div>
                    <Overlay column={c} />
                    <div className="dr-card__foot">{statsLine(c)}</div>
                  </div>
                );
              })}
            </div>
          </section>

          {(hasPerf || hasEstimate) && (
            <section className="dr-panel" aria-label="Performance">
              <h2>
                Model performance per window{' '}
                {state.detections.length > 0 && (
                  <span className="dr-badge dr-badge--drift" data-testid="detections">
                    concept drift:{' '}
                    {state.detections.map((d) => `${d.detector} in window ${d.window + 1}`).join(', ')}
                  </span>
                )}
              </h2>
              <SeriesChart
                label="Accuracy per window"
                selected={selected}
                marks={detectionWindows}
                domain={windows.some((w) => w.performance?.mae !== undefined) ? undefined : [0, 1]}
                series={[
                  ...(hasPerf
                    ? [
                        {
                          name: 'measured',
                          className: 'dr-s-measured',
                          values: windows.map((w) => w.performance?.accuracy ?? w.performance?.mae ?? null),
                        },
                      ]
                    : []),
                  ...(hasEstimate
                    ? [
                        {
                          name: 'estimated',
                          className: 'dr-s-estimated',
                          values: windows.map((w) => w.estimated?.accuracy ?? null),
                          band: windows.map((w): [number, number] => [
                            w.estimated?.low ?? NaN,
                            w.estimated?.high ?? NaN,
                          ]),
                        },
                      ]
                    : []),
                ]}
              />
              <p className="dr-legend-line">
                {hasPerf && (
                  <span className="dr-legend dr-legend--measured">
                    measured{windows.some((w) => w.performance?.mae !== undefined) ? ' MAE' : ' accuracy'}
                  </span>
                )}
                {hasEstimate && (
                  <span className="dr-legend dr-legend--estimated">
                    estimated accuracy (CBPE, 95% band): an estimate from the logged probabilities, not a
                    measurement
                  </span>
                )}
                {state.detections.length > 0 && (
                  <span className="dr-legend dr-legend--detection">
                    detections ({state.detectors.join(', ')})
                  </span>
                )}
              </p>
            </section>
          )}

          {hasLabelShift && (
            <section className="dr-panel" aria-label="Label shift">
              <h2>Label shift</h2>
              <SeriesChart
                label="Jensen–Shannon distance of the labels per window"
                selected={selected}
                marks={[]}
                domain={[0, Math.max(0.2, ...windows.map((w) => w.labelShift?.jensenShannon?.distance ?? 0))]}
                series={[
                  {
                    name: 'js',
                    className: 'dr-s-measured',
                    values: windows.map((w) => w.labelShift?.jensenShannon?.distance ?? null),
                  },
                ]}
              />
              {current?.labelShift && (
                <p className="dr-note">
                  Reference labels {shares(current.labelShift.reference)}
                  {current.labelShift.current && `; window ${shares(current.labelShift.current)}`}
                  {current.labelShift.bbse &&
                    `; estimated from predictions (BBSE) ${shares(current.labelShift.bbse)}`}
                </p>
              )}
            </section>
          )}
        </>
      )}
    </div>
  );
}

function shares(counts: Record<string, number>): string {
  const total = Object.values(counts).reduce((s, x) => s + x, 0) || 1;
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${((v / total) * 100).toFixed(1)}%`)
    .join(', ');
}
