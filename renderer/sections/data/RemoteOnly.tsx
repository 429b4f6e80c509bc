import type { RemoteCheckout } from '../../../shared/api/index.js';
import { bytes } from './format.js';

/** The versions of an artifact that a remote has and this store does not, each with its checkout. */
export function RemoteOnlyVersions({
  versions,
  onCheckout,
}: {
  versions: { number: number; remote: string }[];
  onCheckout(number: number): void;
}) {
  if (versions.length === 0) return null;
  return (
    <section className="dv-remote-only" data-testid="remote-only" aria-label="Versions only on a remote">
      <h3 className="dv-h3">Only on a remote</h3>
      <ul className="dv-remote-only__list">
        {versions.map((v) => (
          <li key={v.number} className="dv-remote-only__item" data-testid={`remote-only-${v.number}`}>
            <span className="dv-remote-only__version">@{v.number}</span>
            <span className="muted">on {v.remote}</span>
            <button type="button" className="btn btn--ghost btn--small" onClick={() => onCheckout(v.number)}>
              Check out
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * What a checkout refused with ON_REMOTE offers: the contents to fetch, from which remote, and one
 * job that pulls them and checks the version out (its bytes and a cancel button in the jobs tray).
 */
export function PullOffer({
  plan,
  busy,
  onPull,
  onDismiss,
}: {
  plan: RemoteCheckout;
  busy: boolean;
  onPull(): void;
  onDismiss(): void;
}) {
  const what = plan.contents
    ? `${plan.contents} content${plan.contents === 1 ? '' : 's'} (${bytes(plan.bytes)}) of ${plan.version} ${plan.contents === 1 ? 'is' : 'are'} only on remote ${plan.remote}`
    : `${plan.version} is only on remote ${plan.remote} (its contents are all here)`;
  return (
    <div className="notice notice--info dv-offer" role="status" data-testid="pull-offer">
      <p className="notice__message">{what}</p>
      <div className="dv-offer__actions">
        <button
          type="button"
          className="btn btn--primary btn--small"
          onClick={onPull}
          disabled={busy}
          data-testid="pull-checkout"
        >
          {busy ? 'Pulling…' : 'Pull and check out'}
        </button>
        <button type="button" className="btn btn--ghost btn--small" onClick={onDismiss} disabled={busy}>
          Not now
        </button>
      </div>
    </div>
  );
}
