import type { SectionId } from '../sections/types.js';

// 20×20 strokes, drawn in currentColor so the active and hover colours apply.
const paths: Record<SectionId, string> = {
  runs: 'M6 4.5v11l9-5.5z',
  compare: 'M4 5h5v11H4zM11 4h5v7h-5zM11 13h5v3h-5z',
  data: 'M4 5.5c0-1.4 2.7-2.5 6-2.5s6 1.1 6 2.5v9c0 1.4-2.7 2.5-6 2.5s-6-1.1-6-2.5zM4 5.5c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5M4 10c0 1.4 2.7 2.5 6 2.5s6-1.1 6-2.5',
  models: 'M10 3l6.5 3.5v7L10 17l-6.5-3.5v-7zM3.5 6.5L10 10l6.5-3.5M10 10v7',
  pipelines: 'M3 5h4v4H3zM13 11h4v4h-4zM7 7h3v6h3',
  validation: 'M4 10.5l4 4 8-9',
  drift: 'M3 13c2.5 0 2.5-6 5-6s2.5 8 5 8 2.5-5 4-5',
  deploy: 'M10 16V5M5.5 9.5L10 5l4.5 4.5M4 17h12',
  review: 'M3 10s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5zM10 12a2 2 0 100-4 2 2 0 000 4z',
};

export function SectionIcon({ id }: { id: SectionId }) {
  return (
    <svg className="section-icon" width="18" height="18" viewBox="0 0 20 20" aria-hidden="true">
      <path
        d={paths[id]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
