interface Props {
  path: string;
  busy: boolean;
  onInit(): void;
  onCancel(): void;
}

/** Initialising writes into the user's folder, so it is offered and explained, never done silently. */
export function InitOffer({ path, busy, onInit, onCancel }: Props) {
  return (
    <div
      className="notice notice--info"
      role="dialog"
      aria-labelledby="init-offer-title"
      data-testid="init-offer"
    >
      <div className="notice__text">
        <strong className="notice__title" id="init-offer-title">
          This folder is not a Strata project yet
        </strong>
        <code className="notice__where">{path}</code>
        <p className="notice__message">
          Initialising adds a <code>strata.yaml</code> you can edit and commit, and a <code>.strata/</code>{' '}
          folder for the database and stored versions. Nothing else in the folder is touched.
        </p>
        <div className="notice__actions">
          <button type="button" className="btn btn--primary" onClick={onInit} disabled={busy}>
            {busy ? 'Initialising…' : 'Initialise project'}
          </button>
          <button type="button" className="btn" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
