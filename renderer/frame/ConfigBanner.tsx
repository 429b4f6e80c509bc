import { formatWhere, type StrataErrorData } from '../../shared/errors.js';

/**
 * strata.yaml was edited into something invalid while the project is open. The engine keeps the last
 * good configuration, so the app stays usable; the banner says exactly where the file went wrong and
 * disappears once it is fixed and saved.
 */
export function ConfigBanner({ error }: { error: StrataErrorData }) {
  const where = formatWhere(error);
  return (
    <div className="banner banner--error" role="alert" data-testid="config-banner">
      <strong className="banner__title">strata.yaml has an error</strong>
      <span className="banner__text">
        {where && <code className="banner__where">{where}</code>} {error.message}
      </span>
      <span className="banner__hint">
        Using the last valid configuration until the file is fixed and saved.
      </span>
    </div>
  );
}
