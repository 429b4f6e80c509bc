import { StrataError } from '../../../shared/errors.js';

/** A 5-field cron expression (minute hour day-of-month month day-of-week), parsed into allowed values. */
export interface Cron {
  minute: Set<number>;
  hour: Set<number>;
  day: Set<number>;
  month: Set<number>;
  weekday: Set<number>;
  /** cron's rule: when both day fields are restricted, a time matches either of them */
  dayRestricted: boolean;
  weekdayRestricted: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`${field.name}: cannot read "${part}"`);
    const step = m[4] === undefined ? 1 : Number(m[4]);
    let lo: number = field.min;
    let hi: number = field.max;
    if (m[1] !== '*') {
      lo = Number(m[2]);
      // "5/15" means from 5 to the end in steps of 15, as in Vixie cron
      hi = m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? field.max : lo;
    }
    if (step < 1) throw new Error(`${field.name}: a step must be at least 1`);
    if (lo < field.min || hi > field.max || lo > hi)
      throw new Error(`${field.name}: ${part} is outside ${field.min}-${field.max}`);
    for (let v = lo; v <= hi; v += step) out.add(field.name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

/** Parses "m h dom mon dow"; throws CONFIG_INVALID naming the field that cannot be read. */
export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new StrataError(
      'CONFIG_INVALID',
      `a schedule has 5 fields (minute hour day-of-month month day-of-week), "${expr}" has ${parts.length}`,
    );
  try {
    const [minute, hour, day, month, weekday] = parts.map((p, i) => parseField(p, FIELDS[i]));
    return {
      minute,
      hour,
      day,
      month,
      weekday,
      dayRestricted: parts[2] !== '*',
      weekdayRestricted: parts[4] !== '*',
    };
  } catch (err) {
    throw new StrataError('CONFIG_INVALID', `schedule "${expr}": ${(err as Error).message}`);
  }
}

/** Whether the local-time minute of `at` is one the schedule names. */
export function cronMatches(cron: Cron, at: Date): boolean {
  if (!cron.minute.has(at.getMinutes()) || !cron.hour.has(at.getHours())) return false;
  if (!cron.month.has(at.getMonth() + 1)) return false;
  const dom = cron.day.has(at.getDate());
  const dow = cron.weekday.has(at.getDay());
  if (cron.dayRestricted && cron.weekdayRestricted) return dom || dow;
  return dom && dow;
}

/** The first minute strictly after `after` that the schedule names (searched up to 4 years ahead), or null. */
export function nextCronTime(cron: Cron, after: Date): Date | null {
  const t = new Date(after);
  t.setSeconds(0, 0);
  t.setMinutes(t.getMinutes() + 1);
  for (let i = 0; i < 4 * 366 * 24 * 60; i++) {
    if (cronMatches(cron, t)) return t;
    t.setMinutes(t.getMinutes() + 1);
  }
  return null;
}
