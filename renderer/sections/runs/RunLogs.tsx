import { useEffect, useState } from 'react';
import type { Api, LogLine, StageRun } from '../../../shared/api/index.js';

/** The stored output of a run, all stages or one; re-read whenever the run changes. */
export function RunLogs({
  api,
  runId,
  stages,
  version,
}: {
  api: Api;
  runId: string;
  stages: StageRun[];
  version: number;
}) {
  const [stage, setStage] = useState('');
  const [lines, setLines] = useState<LogLine[] | null>(null);
  useEffect(() => {
    let live = true;
    void api
      .call('runs.logs', { id: runId, stage: stage || undefined, after: 0, limit: 20000 })
      .then((r) => live && setLines(r.lines));
    return () => {
      live = false;
    };
  }, [api, runId, stage, version]);
  const ran = stages.filter((s) => s.startedAt !== null);
  return (
    <div className="rn-logs">
      <label className="rn-logs__pick">
        Stage{' '}
        <select value={stage} onChange={(e) => setStage(e.target.value)} data-testid="log-stage">
          <option value="">all</option>
          {ran.map((s) => (
            <option key={s.stage} value={s.stage}>
              {s.stage}
            </option>
          ))}
        </select>
      </label>
      <pre className="rn-log" data-testid="run-log">
        {lines === null
          ? 'Reading…'
          : lines.length === 0
            ? 'No output.'
            : lines.map((l) => (
                <span key={l.id} className={`rn-log__${l.stream}`}>
                  {l.text}
                </span>
              ))}
      </pre>
    </div>
  );
}
