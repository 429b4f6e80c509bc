/**
 * Values as DVC (Python) sees them. JavaScript has one number type, so a float that happens to be
 * whole (`lr: 1.0`) would print as "1" where DVC prints "1.0"; such floats are kept as PyFloat
 * while a dvc.yaml is resolved, and become plain numbers in the resolved stages.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A whole-valued float stays marked; any other number is unambiguous. */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** Python's repr of a float: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant, expText] = Math.abs(n).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const sign = n < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${whole}.${frac || '0'}`;
}

/** str() of a scalar as Python prints it (booleans as DVC's interpolation writes them: true/false). */
export function pyStr(v: unknown): string {
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

/** Plain JavaScript data: PyFloat markers become numbers. */
export function unwrapPy(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) return v.map(unwrapPy);
  if (isPlainMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapPy(x)]));
  return v;
}

export function isPlainMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyFloat);
}

/** Python's shlex.quote: safe words as they are, anything else in single quotes. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** Sets an own property, so a key such as "__proto__" in a user's file is data, never a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
