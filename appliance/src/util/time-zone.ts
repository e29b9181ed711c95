/**
 * Wall-clock arithmetic in an IANA time zone ('' = the box's own), on Intl alone: local parts of an
 * instant, the instant of a local wall time (DST gaps and repeats resolved), local days added and
 * local midnights — what reports need to compare "the same hour last week" across a DST change.
 */

export interface LocalParts {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 0–23. */
  hour: number;
  minute: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...(tz ? { timeZone: tz } : {}), hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' });
    formats.set(tz, f);
  }
  return f;
}

/** Whether `tz` names an IANA time zone this Node knows ('' counts: the box's own). */
export function isTimeZone(tz: string): boolean {
  if (tz === '') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The IANA name `tz` stands for ('' → the box's own zone). */
export function resolvedTimeZone(tz: string): string {
  return tz || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, string> = {};
  for (const p of format(tz).formatToParts(new Date(ms))) out[p.type] = p.value;
  return { year: Number(out.year), month: Number(out.month), day: Number(out.day), hour: Number(out.hour) % 24, minute: Number(out.minute), weekday: WEEKDAYS[out.weekday!] ?? 0 };
}

/** Offset of local time from UTC at instant `ms`, in ms (Berlin in summer: +7 200 000). */
export function offsetMs(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const s = Math.floor(ms / 1000) % 60;
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, s) - (Math.floor(ms / 1000) * 1000);
}

/**
 * The instant of local wall time y-m-d h:mi (month 1–12; days and hours may overflow, as Date.UTC
 * allows). In a DST gap (a time that does not exist) it is moved forward by the gap; of a repeated
 * time, the first occurrence.
 */
export function zonedTime(tz: string, year: number, month: number, day: number, hour = 0, minute = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - offsetMs(wall - offsetMs(wall, tz), tz);
  // Try both offsets around the wall time; keep the earliest instant that shows this wall time.
  const candidates = [wall - offsetMs(wall - 86_400_000, tz), wall - offsetMs(wall + 86_400_000, tz), first];
  const exact = candidates.filter((t) => t + offsetMs(t, tz) === wall).sort((a, b) => a - b);
  return exact[0] ?? first;
}

/** Local midnight starting the local day that contains `ms`. */
export function startOfDay(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  return zonedTime(tz, p.year, p.month, p.day);
}

/** The same local wall time `days` local days later (negative: earlier); 23 or 25 hours across a DST change. */
export function addDays(ms: number, days: number, tz: string): number {
  const p = localParts(ms, tz);
  return zonedTime(tz, p.year, p.month, p.day + days, p.hour, p.minute) + (ms % 60_000 + 60_000) % 60_000;
}

/** The local calendar date of `ms` as YYYY-MM-DD. */
export function localDate(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** "YYYY-MM-DD HH:MM" local. */
export function localStamp(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${localDate(ms, tz)} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/**
 * Calls `fn` for each quarter hour starting in [fromMs, toMs) (quarter-aligned, UTC) with its local
 * wall time as a Date to read with getUTC* methods. The offset is looked up twice per UTC day and per
 * quarter only on a day it changes (every zone's changes fall on quarter hours), so a year is fast.
 */
export function eachLocalQuarter(fromMs: number, toMs: number, tz: string, fn: (ms: number, local: Date) => void): void {
  const Q = 900_000;
  const D = 86_400_000;
  let ms = Math.floor(fromMs / Q) * Q;
  while (ms < toMs) {
    const end = Math.min(toMs, Math.floor(ms / D) * D + D);
    const first = offsetMs(ms, tz);
    const steady = first === offsetMs(Math.ceil(end / Q) * Q - Q, tz);
    for (; ms < end; ms += Q) fn(ms, new Date(ms + (steady ? first : offsetMs(ms, tz))));
  }
}
