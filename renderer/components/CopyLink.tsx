import { useState } from 'react';

/**
 * Copies the address of what is on screen. The hash names the place (see stores/route.ts), so the
 * copied URL opens the same run, version or comparison in another tab or after a restart.
 */
export function CopyLink() {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setState('copied');
    } catch {
      // No clipboard (an insecure origin, a denied permission): the address bar still has the link.
      setState('failed');
    }
    window.setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button
      type="button"
      className="btn btn--small"
      onClick={() => void copy()}
      data-testid="copy-link"
      title="Copy a link to this page"
    >
      {state === 'copied' ? 'Link copied' : state === 'failed' ? 'Copy from the address bar' : 'Copy link'}
    </button>
  );
}
