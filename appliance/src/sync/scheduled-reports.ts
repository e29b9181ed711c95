/**
 * Scheduled report delivery (config `reports.schedules`): once a period (the local day, ISO week or
 * calendar month before) is over and its local send time has come, its report is built, rendered as
 * PDF and/or CSV in the site's language and time zone, and queued in the durable outbox for Telegram
 * (sendDocument) and MQTT (`reports/scheduled`). The last period sent is stored per schedule, so a
 * period is never sent twice, and after downtime only the latest due period is sent (once).
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ReportScheduleConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { KeyValue } from '../store/key-value.js';
import type { ReportBody, Resolution } from '../analytics/report-builder.js';
import { timelineCsv } from '../analytics/report-builder.js';
import type { AnalysisOptions } from '../analytics/comparisons.js';
import { csvWithHeadersIn } from '../alerts/locale/csv-headers.js';
import { reportStrings, type Language, type ReportEvery } from '../alerts/messages.js';
import { localDate, localParts, resolvedTimeZone, startOfDay, zonedTime, addDays } from '../util/time-zone.js';
import { renderReportPdf, signed } from './report-pdf.js';

/** Unix ms [from, to) of the latest period of `every` whose send time (`at`, local) is at or before `now`. */
export function duePeriod(every: ReportEvery, at: string, now: number, tz: string): { from: number; to: number } {
  const [h, mi] = at.split(':').map(Number) as [number, number];
  const p = localParts(now, tz);
  const today = startOfDay(now, tz);
  const sendOn = (dayStart: number) => {
    const d = localParts(dayStart, tz);
    return zonedTime(tz, d.year, d.month, d.day, h, mi);
  };
  if (every === 'day') {
    const end = now >= sendOn(today) ? today : addDays(today, -1, tz);
    return { from: addDays(end, -1, tz), to: end };
  }
  if (every === 'week') {
    const monday = addDays(today, -p.weekday, tz);
    const end = now >= sendOn(monday) ? monday : addDays(monday, -7, tz);
    return { from: addDays(end, -7, tz), to: end };
  }
  const first = zonedTime(tz, p.year, p.month, 1);
  const back = now >= sendOn(first) ? 0 : 1;
  return { from: zonedTime(tz, p.year, p.month - 1 - back, 1), to: zonedTime(tz, p.year, p.month - back, 1) };
}

export interface ScheduledReportDeps {
  schedules: readonly ReportScheduleConfig[];
  kv: KeyValue;
  clock: Clock;
  log: Logger;
  /** The site's run-time settings: time zone ('' = the box's own), language, name. */
  settings(): { timezone: string; language: Language; site_name: string };
  /** Every camera's id (a schedule without `cameras` covers them all). */
  cameras(): string[];
  /** A camera's display name, for the PDF (default: its id). */
  cameraName?: ((id: string) => string) | undefined;
  /** Builds and stores a report. */
  generate(cameras: string[], from: number, to: number, resolution: Resolution, analysis: AnalysisOptions): Promise<{ id: string; body: ReportBody }>;
  /** Queues a file for Telegram chats (all connected ones when none are named); the chats it went to. */
  telegram(file: { name: string; type: string; bytes: Buffer }, caption: string, chats?: readonly string[]): string[];
  /** Publishes on MQTT through the outbox; absent without a broker. */
  mqtt: ((body: Record<string, unknown>) => void) | undefined;
}

interface Sent {
  from: number;
  to: number;
  sent_at: number;
}

/** How often due schedules are looked for. */
const TICK_MS = 30_000;

export class ScheduledReports {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly d: ScheduledReportDeps) {}

  start(): void {
    if (!this.d.schedules.length) return;
    this.kick();
    this.timer = setInterval(() => this.kick(), TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Sends what is due now (one run at a time); resolves when done. */
  kick(): Promise<void> {
    this.running ??= this.runDue()
      .catch((err: unknown) => this.d.log.error({ err }, 'scheduled reports failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private key(s: ReportScheduleConfig): string {
    const id = createHash('sha256').update(JSON.stringify([s.every, s.at, s.cameras ?? null, s.format, s.channels, s.chats ?? null, s.language ?? null])).digest('hex').slice(0, 16);
    return `reports.schedule.${id}`;
  }

  private async runDue(): Promise<void> {
    for (const s of this.d.schedules) {
      const site = this.d.settings();
      const tz = resolvedTimeZone(site.timezone);
      const now = this.d.clock.now();
      const period = duePeriod(s.every, s.at, now, tz);
      const key = this.key(s);
      const last = this.d.kv.setting(key);
      if (last && (JSON.parse(last) as Sent).to >= period.to) continue;
      try {
        await this.send(s, period, tz, site);
        this.d.kv.putSetting(key, JSON.stringify({ from: period.from, to: period.to, sent_at: this.d.clock.now() } satisfies Sent), this.d.clock.now());
      } catch (err) {
        this.d.log.error({ err, every: s.every }, 'scheduled report not sent; tried again at the next check');
      }
    }
  }

  private async send(s: ReportScheduleConfig, period: { from: number; to: number }, tz: string, site: { language: Language; site_name: string }): Promise<void> {
    const cameras = s.cameras ?? this.d.cameras();
    const lang = s.language ?? site.language;
    const strings = reportStrings(lang);
    // A day also against the same weekday a week before (for a week that is the previous period already).
    const analysis: AnalysisOptions = { timezone: tz, previous: true, weeks: s.every === 'day' ? 1 : 0, dayHour: s.every !== 'day' };
    const report = await this.d.generate(cameras, period.from / 1000, period.to / 1000, s.every === 'day' ? 900 : 3600, analysis);
    const label = s.every === 'month' ? localDate(period.from, tz).slice(0, 7) : localDate(period.from, tz);
    const title = `${strings.title[s.every]}${site.site_name ? ` · ${site.site_name}` : ''}`;
    const t = report.body.totals;
    const prev = report.body.comparisons?.find((c) => c.kind === 'previous')?.change.arrivals;
    const vs = prev ? ` (${signed(prev.abs)}${prev.pct === null ? '' : `, ${signed(prev.pct)}%`} ${strings.vsPrevious[s.every]})` : '';
    const caption = `${title}\n${label} (${tz})${t ? `\n${strings.arrivals}: ${t.arrivals}${vs}` : ''}`;
    const files: Array<{ name: string; type: string; bytes: Buffer }> = [];
    if (s.format.includes('pdf')) files.push({ name: `report-${s.every}-${label}.pdf`, type: 'application/pdf', bytes: await renderReportPdf(report.body, { every: s.every, site: site.site_name, timeZone: tz, strings, language: lang, cameraName: this.d.cameraName }) });
    if (s.format.includes('csv')) files.push({ name: `report-${s.every}-${label}.csv`, type: 'text/csv', bytes: Buffer.from(csvWithHeadersIn(lang, timelineCsv(report.body))) });
    // Everything is queued (synchronously, in the outbox) before the period is marked sent.
    if (s.channels.includes('telegram')) {
      for (const f of files) if (!this.d.telegram(f, caption, s.chats).length) this.d.log.warn({ every: s.every }, 'scheduled report: Telegram is not connected; not sent there');
    }
    if (s.channels.includes('mqtt') && this.d.mqtt) {
      const b = report.body;
      this.d.mqtt({
        every: s.every,
        report_id: report.id,
        title,
        language: lang,
        time_zone: tz,
        period: { from: b.from, to: b.to, label },
        totals: b.totals ?? null,
        comparisons: b.comparisons ?? [],
        peak_hour: b.peak_hour ?? null,
        busiest_zone: b.busiest_zone ?? null,
        files: files.map((f) => ({ name: f.name, type: f.type, bytes: f.bytes.length })),
        ...(s.format.includes('csv') ? { csv: timelineCsv(b) } : {}),
      });
    }
    this.d.log.info({ every: s.every, period: label, files: files.map((f) => f.name) }, 'scheduled report queued');
  }
}
