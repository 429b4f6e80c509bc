import { downloadHtml, downloadText } from '../../components/download.js';
import { useEffect } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import { NotifyButton } from '../../components/NotifyButton.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';
import { MonitorView } from './MonitorView.js';
import { useDriftStore } from './store.js';
import './drift.css';

const EXAMPLE = `monitors:
  churn:
    reference: customers@champion   # a dataset version, or a file
    logs: logs/predictions           # JSONL or CSV files your service writes
    window: { rows: 10000 }
    prediction: predicted
    probability: proba               # optional: estimated accuracy (CBPE); a number, or a list per class
    label: churned                   # optional: measured accuracy, concept drift`;

export function DriftSection({ api, project }: SectionProps) {
  const s = useDriftStore();
  useEffect(() => {
    void s.loadMonitors(api);
  }, [api, project.root, project.config.monitors]);

  const state = s.selected ? s.states[s.selected] : undefined;
  // Each file is named by the sha256 of its bytes: the same windows give the same report.
  const exportReport = async (kind: 'html' | 'json') => {
    if (!s.selected) return;
    const files = await api.call('drift.report', { name: s.selected });
    if (kind === 'html') downloadHtml(files.html.fileName, files.html.text);
    else downloadText(files.json.text, files.json.fileName, 'application/json');
  };

  if (s.monitors !== null && s.monitors.length === 0)
    return (
      <>
        <SectionHeader
          title="Drift"
          subtitle={`How the data ${project.name}'s models see shifts over time.`}
        />
        <EmptyState title="No drift monitors yet" command={EXAMPLE}>
          <p>
            A monitor compares every window of your model's prediction logs with a reference dataset, column
            by column, and follows the model's error rate once labels arrive. Declare one under{' '}
            <code>monitors:</code> in strata.yaml; to compare two versions once, run{' '}
            <code>strata drift data@1 data@2</code>.
          </p>
        </EmptyState>
      </>
    );

  return (
    <>
      <SectionHeader
        title="Drift"
        subtitle={`Prediction logs of ${project.name}'s models against their reference data.`}
        actions={
          s.selected && (
            <span className="dr-actions">
              <NotifyButton what="drift alerts" />
              <button
                className="btn btn--small"
                disabled={s.running}
                onClick={() => void s.load(api, s.selected!, true)}
                data-testid="drift-run"
              >
                {s.running ? 'Reading logs…' : 'Read new logs'}
              </button>
              <button
                className="btn btn--small"
                onClick={() => void exportReport('html')}
                data-testid="drift-export"
                title="One self-contained HTML file, named by the sha256 of its bytes"
              >
                Export HTML report
              </button>
              <button
                className="btn btn--small"
                onClick={() => void exportReport('json')}
                data-testid="drift-export-json"
                title="The report's data as JSON, named by the sha256 of its bytes"
              >
                JSON
              </button>
            </span>
          )
        }
      />
      {s.error && <ErrorNotice error={{ code: 'INTERNAL', message: s.error }} />}
      <div className="picker">
        <nav className="picker__list" aria-label="Monitors">
          {(s.monitors ?? []).map((m) => (
            <button
              key={m.name}
              className={`picker__item${m.name === s.selected ? ' is-selected' : ''}`}
              onClick={() => void s.select(api, m.name)}
              data-testid={`monitor-${m.name}`}
            >
              <span className="picker__name">
                {m.name} {m.alert && <span className="dr-badge dr-badge--alert">alert</span>}
              </span>
              <span className="dr-monitor__meta">
                {m.windows} window{m.windows === 1 ? '' : 's'} · {m.reference}
              </span>
              {m.error && <span className="dr-monitor__error">{m.error}</span>}
            </button>
          ))}
        </nav>
        <div className="dr-main">
          {state ? <MonitorView state={state} /> : <p className="muted">Loading…</p>}
        </div>
      </div>
    </>
  );
}
