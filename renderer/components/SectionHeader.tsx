import type { ReactNode } from 'react';

/** The heading every section starts with, so screenshots, tests and screen readers find the same landmark. */
export function SectionHeader({
  title,
  subtitle,
  actions,
}: {
  title: string;
  subtitle?: string;
  actions?: ReactNode;
}) {
  return (
    <header className="section-header">
      <div className="section-header__text">
        <h1 className="section-header__title">{title}</h1>
        {subtitle && <p className="section-header__subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="section-header__actions">{actions}</div>}
    </header>
  );
}
