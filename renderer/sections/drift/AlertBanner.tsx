import { useEffect } from 'react';
import { useApi } from '../../app/context.js';
import { NotifyButton } from '../../components/NotifyButton.js';
import { useUiStore } from '../../stores/ui.js';
import { alertText, followDrift, useDriftStore } from './store.js';

/** A drift alert, over whichever section is open; "Open monitor" goes to it. */
export function DriftAlertBanner() {
  const api = useApi();
  const alert = useDriftStore((s) => s.alert);
  const open = (monitor: string) => {
    useUiStore.getState().setSection('drift');
    void useDriftStore.getState().select(api, monitor);
  };
  useEffect(() => followDrift(api, open), [api]);
  if (!alert) return null;
  return (
    <div className="banner banner--error" role="alert" data-testid="drift-alert">
      <strong className="banner__title">Drift in {alert.monitor}</strong>
      <span className="banner__text">{alertText(alert)}</span>
      <span className="banner__actions">
        <button
          className="btn btn--small"
          onClick={() => {
            open(alert.monitor);
            useDriftStore.getState().dismiss();
          }}
        >
          Open monitor
        </button>
        <NotifyButton what="drift alerts" />
        <button className="btn btn--small btn--ghost" onClick={() => useDriftStore.getState().dismiss()}>
          Dismiss
        </button>
      </span>
    </div>
  );
}
