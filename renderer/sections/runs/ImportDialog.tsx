import { useState } from 'react';
import type { Api, MlflowImportReport } from '../../../shared/api/index.js';
import { toErrorData, type StrataErrorData } from '../../../shared/errors.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatCount } from '../../components/format.js';
import { Modal } from '../../components/Modal.js';
import { progressFraction, progressText } from '../../jobs/format.js';
import { useJobsStore } from '../../stores/jobs.js';

/** Problems listed before "and N more": a folder can hold thousands of broken files. */
const SHOWN = 20;

/** Import from MLflow…: an mlruns folder (and optionally one experiment), then the import job's progress and report. */
export function ImportDialog({ api, onClose }: { api: Api; onClose(): void }) {
  const [folder, setFolder] = useState('');
  const [experiment, setExperiment] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const [startError, setStartError] = useState<StrataErrorData | null>(null);
  const job = useJobsStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const running = jobId !== null && (!job || job.state === 'running');
  const report = job?.state === 'done' ? (job.result as MlflowImportReport) : null;

  const start = async () => {
    setStartError(null);
    try {
      const r = await api.call('import.mlflow', {
        folder: folder.trim(),
        ...(experiment.trim() ? { experiment: experiment.trim() } : {}),
      });
      setJobId(r.jobId);
    } catch (e) {
      setStartError(toErrorData(e));
    }
  };
  const fraction = job ? progressFraction(job) : null;

  return (
    <Modal title="Import from MLflow" onClose={onClose} testId="import-dialog">
      <form
        className="rn-import"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <p className="muted">
          An MLflow file store: the <code>mlruns</code> folder MLflow writes. Importing the same folder again
          updates the runs it imported before.
        </p>
        <label className="rn-import__row">
          Folder
          <input
            className="input"
            placeholder="/home/me/project/mlruns"
            value={folder}
            onChange={(e) => setFolder(e.target.value)}
            disabled={running}
            data-testid="import-folder"
            autoFocus
          />
        </label>
        <label className="rn-import__row">
          Experiment
          <input
            className="input"
            placeholder="all experiments"
            value={experiment}
            onChange={(e) => setExperiment(e.target.value)}
            disabled={running}
            data-testid="import-experiment"
          />
        </label>
        {job && (
          <div className="rn-import__row" data-testid="import-progress" data-state={job.state}>
            <progress className="rn-import__bar" max={1} value={fraction ?? undefined} />
            <span className="muted">{job.state === 'running' ? progressText(job) : job.state}</span>
          </div>
        )}
        {report && (
          <div className="notice notice--info rn-import__result" data-testid="import-result">
            Imported {formatCount(report.runs.length)} run{report.runs.length === 1 ? '' : 's'} (
            {formatCount(report.created)} new, {formatCount(report.updated)} updated):{' '}
            {formatCount(report.points)} metric points, {formatCount(report.params)} params,{' '}
            {formatCount(report.artifactVersions)} artifact versions
            {report.models.length > 0 &&
              `, ${report.models.map((m) => `${m.name} (${m.versions.length} versions)`).join(', ')}`}
            .
          </div>
        )}
        {report && report.problems.length > 0 && (
          <div className="notice rn-import__warn" data-testid="import-problems">
            {formatCount(report.problems.length)} file{report.problems.length === 1 ? '' : 's'} could not be
            read; the rest was imported:
            <ul className="rn-import__problems">
              {report.problems.slice(0, SHOWN).map((p) => (
                <li key={p.path}>
                  <code>{p.path}</code>: {p.message}
                </li>
              ))}
              {report.problems.length > SHOWN && <li>and {report.problems.length - SHOWN} more</li>}
            </ul>
          </div>
        )}
        {(job?.error ?? startError) && (
          <ErrorNotice error={(job?.error ?? startError)!} title="Import failed" />
        )}
        <div className="rn-import__row rn-import__actions">
          {running ? (
            <button
              type="button"
              className="btn"
              onClick={() => job && void api.call('jobs.cancel', { id: job.id })}
              data-testid="import-cancel"
            >
              Cancel
            </button>
          ) : (
            <button
              type="submit"
              className="btn btn--primary"
              disabled={!folder.trim()}
              data-testid="import-go"
            >
              {report ? 'Import again' : 'Import'}
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}
