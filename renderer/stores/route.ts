import { create } from 'zustand';
import type { SectionId } from '../sections/types.js';

/**
 * Where the window is, read from the URL's hash: `#<section>/<part>/<part>?key=value`. A hash works the
 * same behind the browser host and Electron's app:// protocol, survives a reload, and the browser's own
 * history gives Back and Forward. Sections read their parts; nothing else keeps "which page" state.
 */
export interface Route {
  section: SectionId;
  /** the path after the section, decoded: ['abc123'] for #runs/abc123 */
  parts: string[];
  query: Record<string, string>;
}

// Listed here rather than read from the registry, whose sections import this store.
const SECTIONS: readonly SectionId[] = [
  'runs',
  'compare',
  'data',
  'models',
  'pipelines',
  'validation',
  'drift',
  'deploy',
  'review',
];

/** The section a project opens on. */
const DEFAULT_SECTION: SectionId = 'runs';

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)));
  const [head = '', ...rest] = path.split('/');
  const parts = rest.filter((p) => p !== '').map(safeDecode);
  if (!(SECTIONS as readonly string[]).includes(head))
    return { section: DEFAULT_SECTION, parts: [], query: {} };
  return { section: head as SectionId, parts, query };
}

/** The hash for a place: href('runs', id) is '#runs/<id>'; parts are encoded, so any artifact name is safe. */
export function href(
  section: SectionId,
  parts: (string | number)[] = [],
  query: Record<string, string> = {},
): string {
  const path = [section, ...parts.map((p) => encodeURIComponent(String(p)))].join('/');
  const qs = new URLSearchParams(query).toString();
  return `#${path}${qs ? `?${decodeURIComponent(qs)}` : ''}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// Stores are also loaded under Node (engine-free store tests), where there is no window.
export const useRoute = create<Route>()(() =>
  parseHash(typeof window === 'undefined' ? '' : window.location.hash),
);

/** Goes to a place as a new history entry (Back returns here); `replace` rewrites the current one instead. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.hash) return;
  if (opts.replace) history.replaceState(history.state, '', to);
  else history.pushState(history.state, '', to);
  useRoute.setState(parseHash(to), true);
}

let following = false;

/** Keeps the route in step with the address bar: Back, Forward, a typed or pasted URL. Once per window. */
export function followLocation(): void {
  if (following) return;
  following = true;
  const sync = () => useRoute.setState(parseHash(window.location.hash), true);
  window.addEventListener('popstate', sync);
  window.addEventListener('hashchange', sync);
  // The address may have changed between this module's load and now.
  sync();
}
