import { Modal } from '../components/Modal.js';
import { modLabel } from '../components/keys.js';
import { sections } from '../sections/registry.js';

export function ShortcutsOverlay({ onClose }: { onClose(): void }) {
  const rows: [string, string][] = [
    ...sections.map((s): [string, string] => [`${modLabel}+${s.shortcut}`, s.title]),
    [`${modLabel}+O`, 'Open a project'],
    ['?', 'Show this list'],
    ['Esc', 'Close a dialog'],
  ];
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-overlay">
      <dl className="shortcuts">
        {rows.map(([keys, what]) => (
          <div className="shortcuts__row" key={keys}>
            <dt>
              {keys.split('+').map((k, i) => (
                <kbd key={i}>{k}</kbd>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
