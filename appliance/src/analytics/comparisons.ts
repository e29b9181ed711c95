/**
 * Comparisons and peaks of a report, from the stored minute counts, in the site's time zone: the
 * totals against the previous period and the same local time on the same weekday 1…N weeks before
 * (absolute and %), the peak local hour, the busiest zone, and the average per weekday × local hour
 * over the range (a day × hour table).
 *
 * Arrivals = zone entries + line 'in' crossings (what the peak hour and the table measure).
 * Local hours follow the wall clock: on the spring DST day the skipped hour has no slot, on the
 * autumn day the repeated hour is one slot holding both.
 */
import type { AnalyticsStore } from '../store/analytics-store.js';
import { addDays, eachLocalQuarter, localStamp, startOfDay } from '../util/time-zone.js';
import { csvText } from '../util/csv.js';

/** What a report compares and tabulates (absent: none of it). */
export interface AnalysisOptions {
  /** IANA time zone the local hours, days and weekdays are in. */
  timezone: string;
  /** Compare with the period just before (of the same length; whole local days when the range is). */
  previous: boolean;
  /** Compare with the same local time 1…weeks weeks before (0: none). */
  weeks: number;
  /** Average per weekday and local hour over the range. */
  dayHour: boolean;
}

/** Weeks back a comparison reaches at most. */
export const MAX_COMPARE_WEEKS = 8;

export interface Counts {
  entries: number;
  exits: number;
  crossings_in: number;
  crossings_out: number;
  /** entries + crossings_in. */
  arrivals: number;
}

export interface Comparison {
  /** `previous`: the period before; `week`: the same local time `weeks_back` weeks before. */
  kind: 'previous' | 'week';
  weeks_back: number | null;
  from: string;
  to: string;
  totals: Counts;
  /** This report's totals minus that period's, and that as % of it (null when it was 0). */
  change: Record<keyof Counts, { abs: number; pct: number | null }>;
}

export interface DayHourTable {
  metric: 'arrivals';
  /** Monday first. */
  weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  /** [weekday][hour]: mean arrivals per local hour slot of that weekday in the range (null: no such slot). */
  average: Array<Array<number | null>>;
  /** [weekday][hour]: how many local hour slots the mean is over. */
  slots: number[][];
  /** Local dates of each weekday the range touches. */
  days: number[];
}

export interface AnalysisSections {
  time_zone: string;
  totals: Counts;
  comparisons: Comparison[];
  /** The local hour with the most arrivals (the earliest of equals); null without any. */
  peak_hour: { from: string; local: string; arrivals: number } | null;
  /** The zone with the most entries; null without any. `name`: its display name (absent from reports stored before). */
  busiest_zone: { camera: string; zone: string; name?: string; entries: number } | null;
  day_hour?: DayHourTable;
}

const KEYS = ['entries', 'exits', 'crossings_in', 'crossings_out', 'arrivals'] as const;
const QUARTER_S = 900;

function zero(): Counts {
  return { entries: 0, exits: 0, crossings_in: 0, crossings_out: 0, arrivals: 0 };
}

/** Sums per quarter hour (unix quarter → counts) of the zone and line rows of [from, to) (unix seconds). */
async function quarters(store: AnalyticsStore, cameras: readonly string[], from: number, to: number): Promise<Map<number, Counts>> {
  const out = new Map<number, Counts>();
  for (const r of await store.quarterCounts(cameras, from, to)) out.set(r.q, { entries: r.entries, exits: r.exits, crossings_in: r.crossings_in, crossings_out: r.crossings_out, arrivals: r.entries + r.crossings_in });
  return out;
}

/** Zone and line totals of `cameras` over [from, to) (unix seconds). */
export async function countsBetween(store: AnalyticsStore, cameras: readonly string[], from: number, to: number): Promise<Counts> {
  return sum(await quarters(store, cameras, from, to));
}

function sum(q: Map<number, Counts>): Counts {
  const t = zero();
  for (const c of q.values()) for (const k of KEYS) t[k] += c[k];
  return t;
}

/** The period just before [from, to): the same number of local days when both ends are local midnights, else the same length. */
export function previousPeriod(from: number, to: number, tz: string): [number, number] {
  const fromMs = from * 1000;
  const toMs = to * 1000;
  if (startOfDay(fromMs, tz) === fromMs && startOfDay(toMs, tz) === toMs) {
    let days = 0;
    while (addDays(fromMs, days, tz) < toMs) days++;
    return [addDays(fromMs, -days, tz) / 1000, from];
  }
  return [from - (to - from), from];
}

/** [from, to) moved `weeks` weeks back on the local wall clock (the same local times, across DST). */
export function weeksBack(from: number, to: number, weeks: number, tz: string): [number, number] {
  return [addDays(from * 1000, -7 * weeks, tz) / 1000, addDays(to * 1000, -7 * weeks, tz) / 1000];
}

/** `now` against `then`: the difference and that as % of `then` (one decimal; null when `then` is 0). */
export function changeOf(now: number, then: number): { abs: number; pct: number | null } {
  return { abs: now - then, pct: then === 0 ? null : Math.round(((now - then) / then) * 1000) / 10 };
}

function change(now: Counts, then: Counts): Comparison['change'] {
  const out = {} as Comparison['change'];
  for (const k of KEYS) out[k] = changeOf(now[k], then[k]);
  return out;
}

/** Comparisons, peaks and the day × hour table of a report over [from, to) (unix seconds). */
export async function analysisSections(
  store: AnalyticsStore,
  cameras: string[],
  from: number,
  to: number,
  opts: AnalysisOptions,
  zones: ReadonlyArray<{ camera: string; zone: string; name?: string; entries: number }>,
): Promise<AnalysisSections> {
  const tz = opts.timezone;
  const q = await quarters(store, cameras, from, to);
  const totals = sum(q);
  const comparisons: Comparison[] = [];
  const compare = async (kind: Comparison['kind'], weeks: number | null, [f, t]: [number, number]) => {
    const then = await countsBetween(store, cameras, f, t);
    comparisons.push({ kind, weeks_back: weeks, from: new Date(f * 1000).toISOString(), to: new Date(t * 1000).toISOString(), totals: then, change: change(totals, then) });
  };
  if (opts.previous) await compare('previous', null, previousPeriod(from, to, tz));
  for (let w = 1; w <= opts.weeks; w++) await compare('week', w, weeksBack(from, to, w, tz));

  // Walk the range's quarter hours: each belongs to one local (date, hour) slot.
  // Keyed by the local wall hour (hours since the local epoch): the repeated autumn hour is one key.
  const slotArrivals = new Map<number, { start: number; day: number; weekday: number; hour: number; arrivals: number }>();
  eachLocalQuarter(from * 1000, to * 1000, tz, (ms, local) => {
    const wall = local.getTime();
    const key = Math.floor(wall / 3_600_000);
    let s = slotArrivals.get(key);
    if (!s) slotArrivals.set(key, (s = { start: Math.max(ms, from * 1000), day: Math.floor(wall / 86_400_000), weekday: (local.getUTCDay() + 6) % 7, hour: local.getUTCHours(), arrivals: 0 }));
    s.arrivals += q.get(ms / (QUARTER_S * 1000))?.arrivals ?? 0;
  });
  let peak: AnalysisSections['peak_hour'] = null;
  for (const s of slotArrivals.values()) {
    if (s.arrivals > 0 && (!peak || s.arrivals > peak.arrivals)) peak = { from: new Date(s.start).toISOString(), local: `${localStamp(s.start, tz).slice(0, 13)}:00`, arrivals: s.arrivals };
  }
  let busiest: AnalysisSections['busiest_zone'] = null;
  for (const z of zones) if (z.entries > 0 && (!busiest || z.entries > busiest.entries)) busiest = { camera: z.camera, zone: z.zone, name: z.name ?? z.zone, entries: z.entries };

  const out: AnalysisSections = { time_zone: tz, totals, comparisons, peak_hour: peak, busiest_zone: busiest };
  if (opts.dayHour) {
    const sums = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    const slots = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    const dates = Array.from({ length: 7 }, () => new Set<number>());
    for (const s of slotArrivals.values()) {
      sums[s.weekday]![s.hour]! += s.arrivals;
      slots[s.weekday]![s.hour]!++;
      dates[s.weekday]!.add(s.day);
    }
    out.day_hour = {
      metric: 'arrivals',
      weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
      average: sums.map((row, d) => row.map((v, h) => (slots[d]![h]! ? Math.round((v / slots[d]![h]!) * 100) / 100 : null))),
      slots,
      days: dates.map((s) => s.size),
    };
  }
  return out;
}

/** The sections as CSV blocks (appended to the timeline CSV after a blank line each). */
export function analysisCsv(a: AnalysisSections): string {
  const blocks: string[] = [];
  const cell = (v: number | null) => (v === null ? '' : String(v));
  blocks.push(['section,time_zone,' + KEYS.join(','), `totals,${a.time_zone},${KEYS.map((k) => a.totals[k]).join(',')}`].join('\n'));
  if (a.comparisons.length) {
    const head = ['comparison', 'weeks_back', 'from', 'to', ...KEYS, ...KEYS.flatMap((k) => [`${k}_change`, `${k}_change_pct`])].join(',');
    blocks.push([head, ...a.comparisons.map((c) => [c.kind, cell(c.weeks_back), c.from, c.to, ...KEYS.map((k) => c.totals[k]), ...KEYS.flatMap((k) => [c.change[k].abs, cell(c.change[k].pct)])].join(','))].join('\n'));
  }
  const b = a.busiest_zone;
  blocks.push(['peak_hour_local,peak_hour_from,peak_hour_arrivals,busiest_camera,busiest_zone,busiest_zone_name,busiest_zone_entries', [a.peak_hour?.local ?? '', a.peak_hour?.from ?? '', a.peak_hour?.arrivals ?? '', csvText(b?.camera ?? ''), csvText(b?.zone ?? ''), csvText(b ? (b.name ?? b.zone) : ''), b?.entries ?? ''].join(',')].join('\n'));
  if (a.day_hour) {
    const head = ['weekday', ...Array.from({ length: 24 }, (_, h) => `h${String(h).padStart(2, '0')}`)].join(',');
    blocks.push([head, ...a.day_hour.average.map((row, d) => [a.day_hour!.weekdays[d], ...row.map(cell)].join(','))].join('\n'));
  }
  return blocks.join('\n\n') + '\n';
}
