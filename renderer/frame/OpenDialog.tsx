import { Modal } from '../components/Modal.js';
import { OpenPanel } from '../start/OpenPanel.js';
import { useOpenProject } from '../start/useOpenProject.js';

/** Ctrl+O with a project open: the same flow as the start screen, the current project stays open until another opens. */
export function OpenDialog({ onClose }: { onClose(): void }) {
  const flow = useOpenProject();
  return (
    <Modal title="Open a project" onClose={onClose} testId="open-dialog">
      <OpenPanel flow={flow} autoFocus />
    </Modal>
  );
}
