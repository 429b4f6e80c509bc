import type { ReactNode } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  /** A CLI command that fills this view, shown copyable. */
  command?: string;
  actions?: ReactNode;
}

/** The first thing a user sees in an empty section: what will appear here, and how to make it appear. */
export function EmptyState({ title, children, command, actions }: Props) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2 className="empty-state__title">{title}</h2>
      <div className="empty-state__body">{children}</div>
      {command && (
        <pre className="empty-state__command">
          <code>{command}</code>
        </pre>
      )}
      {actions && <div className="empty-state__actions">{actions}</div>}
    </div>
  );
}
