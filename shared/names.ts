// Names a person gives (artifacts, stages, aliases, validations, monitors, targets) and names that
// arrive in data (metrics, params). Both end up as keys of JavaScript objects somewhere.

export const NAME_MAX = 128;
/** Metric and param keys are dotted paths into nested files, so they get more room. */
export const KEY_MAX = 256;

const NAME_RE = /^[A-Za-z0-9_.-]+$/;

/**
 * Why `name` cannot name an artifact, stage or the like, or null when it can. `__proto__` is refused
 * because an ordinary object (and YAML and zod on the way in) cannot hold it as a key: it would be
 * dropped while still looking declared. Other names of Object.prototype (constructor, toString) are
 * ordinary names: lookups go through own keys only. `anyCharacters` is for names whose characters
 * another tool defines (DVC's stage names).
 */
export function nameProblem(name: string, opts: { anyCharacters?: boolean } = {}): string | null {
  if (name.length === 0) return 'a name cannot be empty';
  if (name.length > NAME_MAX) return `a name has at most ${NAME_MAX} characters, this one ${name.length}`;
  if (!opts.anyCharacters && !NAME_RE.test(name)) return 'names use letters, digits, _ . -';
  if (name === '__proto__') return '"__proto__" is reserved in JavaScript; pick another name';
  return null;
}

/** An object for keys that come from data: no prototype, so `constructor` or `__proto__` is just a key. */
export function keyed<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
