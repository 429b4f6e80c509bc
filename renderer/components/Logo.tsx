/** Three stacked layers: strata. Drawn in CSS colours so it follows the theme. */
export function Logo({ size }: { size: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 40 40" aria-hidden="true">
      <rect x="6" y="8" width="28" height="6" rx="2" className="logo__layer logo__layer--1" />
      <rect x="6" y="17" width="28" height="6" rx="2" className="logo__layer logo__layer--2" />
      <rect x="6" y="26" width="28" height="6" rx="2" className="logo__layer logo__layer--3" />
    </svg>
  );
}
