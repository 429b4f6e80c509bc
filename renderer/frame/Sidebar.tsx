import { modLabel } from '../components/keys.js';
import { sections } from '../sections/registry.js';
import type { SectionId } from '../sections/types.js';
import { useUiStore } from '../stores/ui.js';
import { SectionIcon } from './SectionIcon.js';

export function Sidebar({ active }: { active: SectionId }) {
  const setSection = useUiStore((s) => s.setSection);
  return (
    <nav className="sidebar" aria-label="Sections">
      <ul className="sidebar__list">
        {sections.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className={`sidebar__item${s.id === active ? ' sidebar__item--active' : ''}`}
              aria-current={s.id === active ? 'page' : undefined}
              aria-label={s.title}
              onClick={() => setSection(s.id)}
              title={`${s.summary} (${modLabel}+${s.shortcut})`}
              data-section={s.id}
            >
              <SectionIcon id={s.id} />
              <span className="sidebar__label">{s.title}</span>
              <kbd className="sidebar__key">{s.shortcut}</kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
