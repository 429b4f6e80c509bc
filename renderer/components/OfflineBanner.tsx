/** Shown over everything while the engine cannot be reached; what is on screen may be out of date. */
export function OfflineBanner() {
  return (
    <div className="offline" role="alert" data-testid="offline-banner">
      <strong>Lost contact with the Strata engine.</strong> What you see may be out of date. If{' '}
      <code>strata ui</code> was stopped, start it again and open the new URL it prints.
    </div>
  );
}
