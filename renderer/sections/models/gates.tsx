import { useEffect, useState } from 'react';
import type { Api, GateReport } from '../../../shared/api/index.js';

/** Gate reports of a model artifact's versions, by version number; reloaded when key changes. */
export function useGates(api: Api, artifact: string | undefined, key: string): Map<number, GateReport> {
  const [reports, setReports] = useState<Map<number, GateReport>>(new Map());
  useEffect(() => {
    let live = true;
    if (!artifact) return;
    api.call('gates.list', { artifact }).then(
      (list) => live && setReports(new Map(list.map((r) => [r.version, r]))),
      // A strata.yaml whose gates: do not parse is shown by the promotion that needs them.
      () => live && setReports(new Map()),
    );
    return () => {
      live = false;
    };
  }, [api, artifact, key]);
  return reports;
}

/** A version's gate status beside its aliases: the failing gates with their values in the tooltip. */
export function GateBadge({ report }: { report: GateReport | undefined }) {
  if (!report || report.status === 'none') return null;
  const failing = report.gates.filter((g) => g.status === 'fail' || g.status === 'error');
  const title =
    report.status === 'pass'
      ? report.gates.map((g) => `✓ ${g.label}: ${g.message}`).join('\n')
      : failing.map((g) => `✗ ${g.label}: ${g.message}`).join('\n');
  const overridden = report.overrides.at(-1);
  return (
    <span
      className={`dv-gate dv-gate--${report.status}`}
      title={overridden ? `${title}\n\noverridden by ${overridden.who}: ${overridden.reason}` : title}
      data-testid={`gates-${report.version}`}
      data-status={report.status}
    >
      {report.status === 'pass'
        ? 'gates pass'
        : report.status === 'error'
          ? 'no metrics'
          : `${failing.length} gate${failing.length === 1 ? ' fails' : 's fail'}`}
      {overridden && ' · overridden'}
    </span>
  );
}

/** Shown when a promotion was refused by the gates: promote anyway, with a reason that is recorded. */
export function OverrideForm({ onOverride }: { onOverride(reason: string): void }) {
  const [reason, setReason] = useState('');
  return (
    <form
      className="dv-override"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) onOverride(reason.trim());
      }}
    >
      <input
        className="input"
        placeholder="Why promote it anyway? (recorded with your name)"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        aria-label="override reason"
        data-testid="override-reason"
      />
      <button type="submit" className="btn btn--small" disabled={!reason.trim()} data-testid="override">
        Promote anyway
      </button>
    </form>
  );
}
