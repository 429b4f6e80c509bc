import { formatWhere, type StrataErrorData } from '../../shared/errors.js';

interface Props {
  error: StrataErrorData;
  title?: string;
  onDismiss?: () => void;
}

/** A StrataError as a person reads it: what went wrong, where (file:line:column), and its code for searching. */
export function ErrorNotice({ error, title, onDismiss }: Props) {
  const where = formatWhere(error);
  return (
    <div className="notice notice--error" role="alert" data-testid="error-notice" data-code={error.code}>
      <div className="notice__text">
        {title && <strong className="notice__title">{title}</strong>}
        {where && (
          <code className="notice__where" data-testid="error-where">
            {where}
          </code>
        )}
        <p className="notice__message">{error.message}</p>
        <span className="notice__code">{error.code}</span>
      </div>
      {onDismiss && (
        <button type="button" className="btn btn--ghost btn--small" onClick={onDismiss} aria-label="Dismiss">
          Dismiss
        </button>
      )}
    </div>
  );
}
