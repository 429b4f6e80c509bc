import { formatBytes } from '../../../shared/format.js';

export function bytes(n: number | null): string {
  return n === null ? '–' : formatBytes(n);
}

export function num(v: number | null): string {
  if (v === null) return '–';
  return Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(3)
    : Number(v.toPrecision(6)).toString();
}

export function when(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
}
