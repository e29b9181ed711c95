import type { MessageKey } from './locale/en.js';
import { className } from './locale/class-names.js';
import { message, type Language } from './locale/text.js';
import type { AlertRule } from './rules.js';

export type { Language };

/** What a firing found, in numbers; the message is written from these. */
export interface FiringDetails {
  camera: string;
  cameraName: string;
  zone?: string;
  line?: string;
  className?: string;
  count?: number;
  seconds?: number;
  trackId?: number;
  // Queues, capacity and speed (issue 18):
  area?: string;
  /** % of capacity. */
  percent?: number;
  /** m/s. */
  speed?: number;
}

const secs = (s: number | undefined) => Math.round(s ?? 0);

/** The alert text in the chosen language (locale/en.ts, locale/ru.ts): a title line (rule, site) and what happened. */
export function alertMessage(rule: AlertRule, d: FiringDetails, lang: Language, site: string): string {
  const m = (key: MessageKey, vars: Record<string, string | number | undefined> = {}) =>
    message(lang, key, Object.fromEntries(Object.entries({ camera: d.cameraName, class: className(d.className, lang), ...vars }).map(([k, v]) => [k, v ?? ''])));
  let what: string;
  switch (rule.type) {
    case 'occupancy':
      what = m('alert.occupancy', { count: d.count, zone: d.zone, seconds: secs(d.seconds), limit: rule.above });
      break;
    case 'loitering':
      what = m('alert.loitering', { track: d.trackId, zone: d.zone, seconds: secs(d.seconds) });
      break;
    case 'line_count':
      what = m('alert.line_count', { count: d.count, line: d.line, seconds: secs(d.seconds), limit: rule.over });
      break;
    case 'presence':
      what = m('alert.presence', { zone: d.zone, from: rule.during.from, to: rule.during.to });
      break;
    case 'camera_offline':
      what = m('alert.camera_offline', { seconds: secs(d.seconds) });
      break;
    // Queues, capacity and speed (issue 18).
    case 'queue_length':
      what = m('alert.queue_length', { count: d.count, zone: d.zone, seconds: secs(d.seconds), limit: rule.above });
      break;
    case 'queue_wait':
      what = m('alert.queue_wait', { zone: d.zone, seconds: secs(d.count), limit: rule.above_seconds });
      break;
    case 'capacity': {
      const where = d.area ? m('alert.capacity.area', { area: d.area }) : m('alert.capacity.zone', { zone: d.zone });
      what = m('alert.capacity', { where, percent: d.percent, count: d.count, limit: rule.above_percent });
      break;
    }
    case 'speeding': {
      const where = d.zone && d.zone !== '*' ? m('alert.speeding.zone', { zone: d.zone }) : '';
      what = m('alert.speeding', { track: d.trackId, where, speed: d.speed, limit: rule.above_mps });
      break;
    }
    default:
      what = '';
  }
  return `⚠ ${rule.name}${site ? ` · ${site}` : ''}\n${what}`;
}

export function testMessage(lang: Language, site: string): string {
  return message(lang, 'alert.test', { site: site ? ` · ${site}` : '' });
}

// ── Scheduled reports (issue 18): the PDF's and the Telegram caption's words, per language ──

export type ReportEvery = 'day' | 'week' | 'month';

export interface ReportStrings {
  title: Record<ReportEvery, string>;
  period: string;
  timeZone: string;
  generated: string;
  totals: string;
  entries: string;
  exits: string;
  in: string;
  out: string;
  arrivals: string;
  /** exits + out. */
  departures: string;
  vsPrevious: Record<ReportEvery, string>;
  /** "same … N week(s) before". */
  vsWeeks(n: number): string;
  peakHour: string;
  busiestZone: string;
  none: string;
  countsOverTime: string;
  inOutBars: string;
  heatmap: string;
  dayHour: string;
  /** Monday first. */
  weekdays: string[];
}

/** The report's words in the language, from the locale files. */
export function reportStrings(lang: Language): ReportStrings {
  const m = (key: MessageKey, vars?: Record<string, string | number>) => message(lang, key, vars);
  const every = (prefix: 'report.title' | 'report.vsPrevious') => ({ day: m(`${prefix}.day`), week: m(`${prefix}.week`), month: m(`${prefix}.month`) });
  return {
    title: every('report.title'),
    period: m('report.period'),
    timeZone: m('report.timeZone'),
    generated: m('report.generated'),
    totals: m('report.totals'),
    entries: m('report.entries'),
    exits: m('report.exits'),
    in: m('report.in'),
    out: m('report.out'),
    arrivals: m('report.arrivals'),
    departures: m('report.departures'),
    vsPrevious: every('report.vsPrevious'),
    vsWeeks: (n) => (n === 1 ? m('report.vsWeek') : m('report.vsWeeks', { n })),
    peakHour: m('report.peakHour'),
    busiestZone: m('report.busiestZone'),
    none: m('report.none'),
    countsOverTime: m('report.countsOverTime'),
    inOutBars: m('report.inOutBars'),
    heatmap: m('report.heatmap'),
    dayHour: m('report.dayHour'),
    weekdays: ([1, 2, 3, 4, 5, 6, 7] as const).map((d) => m(`report.weekday.${d}`)),
  };
}
