/**
 * Today so far against the same time last week, in the site's time zone (the dashboard's home page,
 * issue 18). TODAY is [local midnight, now); LAST WEEK is the same local window 7 local days earlier:
 * from that day's local midnight to the same local wall-clock time (23 or 25 hours long when a DST
 * change falls in one of the two days, so 09:30 is compared with 09:30). In / out are the line
 * crossings in each direction from the stored minute counts (the minute holding `now` included).
 */
import { startOfDay } from '../util/time-zone.js';
import { changeOf, weeksBack } from './comparisons.js';

export interface InOut {
  in: number;
  out: number;
}

export interface Change {
  abs: number;
  /** % of last week's figure (one decimal); null when that was 0. */
  pct: number | null;
}

export interface TodayVsLastWeek {
  today: InOut;
  last_week: InOut;
  change: { in: Change; out: Change };
}

/** The two windows as ISO instants (the same for every camera of a site). */
export interface Windows {
  today_from: string;
  today_to: string;
  last_week_from: string;
  last_week_to: string;
}

/** Line crossings in / out of some cameras over [from, to) (unix seconds). */
export type CrossingsBetween = (from: number, to: number) => Promise<InOut>;

/** [from, to) of today and of the same time last week, unix seconds. */
export function todayWindows(nowMs: number, tz: string): { today: [number, number]; lastWeek: [number, number] } {
  const today: [number, number] = [startOfDay(nowMs, tz) / 1000, nowMs / 1000];
  return { today, lastWeek: weeksBack(today[0], today[1], 1, tz) };
}

export function windowsIso(w: ReturnType<typeof todayWindows>): Windows {
  const iso = (s: number) => new Date(s * 1000).toISOString();
  return { today_from: iso(w.today[0]), today_to: iso(w.today[1]), last_week_from: iso(w.lastWeek[0]), last_week_to: iso(w.lastWeek[1]) };
}

/** Both windows' figures and the change. */
export async function todayVsLastWeek(count: CrossingsBetween, w: ReturnType<typeof todayWindows>): Promise<TodayVsLastWeek> {
  return compareInOut(await count(...w.today), await count(...w.lastWeek));
}

export function compareInOut(today: InOut, lastWeek: InOut): TodayVsLastWeek {
  return { today, last_week: lastWeek, change: { in: changeOf(today.in, lastWeek.in), out: changeOf(today.out, lastWeek.out) } };
}

/** Per-camera figures added up (the site's). */
export function sumInOut(parts: readonly TodayVsLastWeek[]): TodayVsLastWeek {
  const add = (k: 'today' | 'last_week') => parts.reduce<InOut>((a, p) => ({ in: a.in + p[k].in, out: a.out + p[k].out }), { in: 0, out: 0 });
  return compareInOut(add('today'), add('last_week'));
}
