import { useMemo } from 'preact/hooks';
import { useI18n, type Lang } from './i18n/i18n';
import { useSiteTimeZone } from './site';
// Wall-clock arithmetic is the daemon's own (Intl only, no Node API), so the page and the reports agree.
import { localStamp, offsetMs, resolvedTimeZone, startOfDay, zonedTime } from '../../appliance/src/util/time-zone.js';

/**
 * The dashboard's one formatter of times: every page writes a date or time through here,
 * in the page's locale and the site's time zone (settings.timezone; the browser's own zone while the
 * site has none), never through Date#toLocaleString or a browser-zone Date getter.
 */

/** A time as the API gives it: an ISO string, unix seconds or milliseconds, or a Date. */
export type TimeValue = Date | string | number;

export function localeOf(lang: Lang): string {
  return lang === 'ru' ? 'ru-RU' : 'en-GB';
}

/** Milliseconds since the epoch: numbers below 1e11 are unix seconds, larger ones milliseconds. */
export function toMs(d: TimeValue): number {
  if (typeof d === 'number') return d < 1e11 ? d * 1000 : d;
  return typeof d === 'string' ? Date.parse(d) : d.getTime();
}

export interface Formatter {
  lang: Lang;
  locale: string;
  /** The IANA zone times are written in. */
  timeZone: string;
  /** Whether that is the site's zone (false: the site has none, the browser's own applies). */
  siteZone: boolean;
  /** The zone as a person reads it, with its offset from UTC now: "Asia/Kolkata (+05:30)". */
  zoneLabel: string;
  /** Date and time to the second: "02/12/2026, 14:30:05" (en), "02.12.2026, 14:30:05" (ru). */
  fmtTime(d: TimeValue): string;
  /** Date and time to the minute. */
  fmtMinute(d: TimeValue): string;
  /** Time of day only, to the second. */
  fmtClock(d: TimeValue): string;
  /** Date only. */
  fmtDate(d: TimeValue): string;
  /** Hours and minutes, with the weekday, day and month when `withDay`. */
  fmtHourMinute(d: TimeValue, withDay: boolean): string;
  /** Chart axis ticks for a span of `spanSeconds`: day and month over more than two days, hours and minutes up to a week. */
  axis(spanSeconds: number): Intl.DateTimeFormat;
}

const cache = new Map<string, Formatter>();

/** The formatter of a language and a site zone ('' = the browser's); one per pair. */
export function formatter(lang: Lang, siteZone: string): Formatter {
  const key = `${lang}|${siteZone}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const locale = localeOf(lang);
  const timeZone = resolvedTimeZone(siteZone); // the site's, else the browser's own
  const dtf = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { timeZone, ...o });
  const full = dtf({ dateStyle: 'short', timeStyle: 'medium' });
  const minute = dtf({ dateStyle: 'short', timeStyle: 'short' });
  const clock = dtf({ timeStyle: 'medium' });
  const date = dtf({ dateStyle: 'short' });
  const hm = dtf({ hour: '2-digit', minute: '2-digit' });
  const hmDay = dtf({ hour: '2-digit', minute: '2-digit', weekday: 'short', day: 'numeric', month: 'short' });
  // The offset now as digits only ("+05:30"): the same in every language.
  const off = Math.round(offsetMs(Date.now(), timeZone) / 60_000);
  const offset = `${off < 0 ? '−' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`;
  const safe = (f: Intl.DateTimeFormat) => (d: TimeValue) => {
    const ms = toMs(d);
    return Number.isFinite(ms) ? f.format(ms) : '–';
  };
  const f: Formatter = {
    lang,
    locale,
    timeZone,
    siteZone: siteZone !== '',
    zoneLabel: `${timeZone} (${offset})`,
    fmtTime: safe(full),
    fmtMinute: safe(minute),
    fmtClock: safe(clock),
    fmtDate: safe(date),
    fmtHourMinute: (d, withDay) => safe(withDay ? hmDay : hm)(d),
    axis: (span) =>
      dtf({
        ...(span > 2 * 86_400 ? { day: '2-digit', month: 'short' } : {}),
        ...(span <= 7 * 86_400 ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
      }),
  };
  cache.set(key, f);
  return f;
}

/** The page's formatter: its language and the site's time zone. */
export function useFormat(): Formatter {
  const { lang } = useI18n();
  const tz = useSiteTimeZone();
  return useMemo(() => formatter(lang, tz), [lang, tz]);
}

/** Unix seconds → an <input type="datetime-local"> value, on the zone's wall clock. */
export function toZonedInput(sec: number, timeZone: string): string {
  return localStamp(sec * 1000, timeZone).replace(' ', 'T');
}

/** An <input type="datetime-local"> value read on the zone's wall clock → unix seconds (undefined when not a date-time). */
export function fromZonedInput(v: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v);
  if (!m) return undefined;
  const ms = zonedTime(timeZone, Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** Unix seconds of the zone's midnight that began the day of `nowMs`. */
export function startOfZonedDay(nowMs: number, timeZone: string): number {
  return Math.floor(startOfDay(nowMs, timeZone) / 1000);
}
