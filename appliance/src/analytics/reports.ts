import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { AnalyticsStore } from '../store/analytics-store.js';
import type { Database, ReportsTable } from '../store/schema.js';
import { buildReport, type ReportBody, type ReportRequest, type Resolution } from './report-builder.js';
import { engineSections } from './engine-reports.js';
import type { AreaDef } from './area-occupancy.js';
import type { AnalysisOptions } from './comparisons.js';
import { localParts, resolvedTimeZone, startOfDay, zonedTime } from '../util/time-zone.js';

/** Delay after a period ends before its report is built. */
const SETTLE_MS = 15_000;

export interface StoredReport {
  id: string;
  kind: ReportsTable['kind'];
  cameras: string[];
  from: string;
  to: string;
  created_at: string;
}

/** Generates, stores and lists reports; runs the hourly and daily schedule. */
export class Reports {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: AnalyticsStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Where reports are built (a worker thread: analytics/report-runner); default: here. */
    private readonly build: (req: ReportRequest, now: Date) => Promise<ReportBody> = (req, now) => buildReport(db, store, req, now),
    /** The configured areas (analytics.occupancy.areas): a report gets those of its cameras (engine-reports.ts). */
    private readonly areas: () => readonly AreaDef[] = () => [],
  ) {}

  async generate(kind: ReportsTable['kind'], cameras: string[], from: number, to: number, resolution: Resolution, analysis?: AnalysisOptions): Promise<StoredReport & { body: ReportBody }> {
    const req = { cameras, from, to, resolution, ...(analysis ? { analysis } : {}) };
    const body: ReportBody = { ...(await this.build(req, new Date(this.clock.now()))), ...(await engineSections(this.db, req, { areas: this.areas() })) };
    const row: ReportsTable = { id: randomUUID(), kind, cameras: JSON.stringify(cameras), range_from: from, range_to: to, created_at: this.clock.now(), body: JSON.stringify(body) };
    await this.db.insertInto('reports').values(row).execute();
    return { ...summary(row), body };
  }

  async get(id: string): Promise<(StoredReport & { body: ReportBody }) | undefined> {
    const row = await this.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { ...summary(row), body: JSON.parse(row.body) as ReportBody } : undefined;
  }

  /**
   * Whole reports with a sequence number above `cursor`, oldest first (the pull API): at most `limit`
   * and, after the first, only while their bodies total at most `maxBytes`; `more` when others follow.
   */
  async after(cursor: number, limit: number, maxBytes = Infinity): Promise<{ reports: Array<StoredReport & { seq: number; body: ReportBody }>; more: boolean }> {
    const sizes = await this.db
      .selectFrom('reports')
      .select(['seq', sql<number>`length(CAST(body AS BLOB))`.as('bytes')])
      .where('seq', '>', cursor)
      .orderBy('seq', 'asc')
      .limit(limit + 1)
      .execute();
    let total = 0;
    let take = 0;
    while (take < Math.min(limit, sizes.length) && (take === 0 || total + sizes[take]!.bytes <= maxBytes)) total += sizes[take++]!.bytes;
    if (take === 0) return { reports: [], more: false };
    const rows = await this.db.selectFrom('reports').selectAll().where('seq', '>', cursor).where('seq', '<=', sizes[take - 1]!.seq!).orderBy('seq', 'asc').execute();
    return { reports: rows.map((r) => ({ seq: r.seq!, ...summary(r), body: JSON.parse(r.body) as ReportBody })), more: sizes.length > take };
  }

  /** Newest first (by sequence number); `cursor`: only reports older than that sequence number; `before`: created before (ms). */
  async list(limit: number, before?: number, cursor?: number): Promise<Array<StoredReport & { seq: number }>> {
    let q = this.db.selectFrom('reports').select(['id', 'kind', 'cameras', 'range_from', 'range_to', 'created_at', 'seq']).orderBy('seq', 'desc').limit(limit);
    if (before !== undefined) q = q.where('created_at', '<', before);
    if (cursor !== undefined) q = q.where('seq', '<', cursor);
    return (await q.execute()).map((r) => ({ seq: r.seq!, ...summary({ ...r, body: '' }) }));
  }

  /**
   * Hourly reports at each full hour (for the hour before) and a daily report at `dailyAt` local time
   * (for the local day before), for `cameras()` at the time they run.
   */
  schedule(opts: {
    hourly: boolean;
    daily: boolean;
    dailyAt: string;
    cameras: () => string[];
    /** The site's IANA time zone ('' = the box's own): the daily report's day, and its comparisons. */
    timezone?: () => string;
    /** Told about every scheduled report (to publish it upstream). */
    onReport?: (kind: 'hourly' | 'daily', report: StoredReport & { body: ReportBody }) => void;
  }): void {
    const arm = (next: () => number, run: (at: number) => Promise<unknown>) => {
      const tick = () => {
        const at = next();
        // Run a little after the boundary, once the analytics of its last seconds are flushed (5 s).
        const t = setTimeout(() => {
          run(at).catch((err: unknown) => this.log.error({ err }, 'scheduled report failed'));
          tick();
        }, Math.max(1000, at + SETTLE_MS - this.clock.now()));
        t.unref();
        this.timers.push(t);
      };
      tick();
    };
    const tz = () => opts.timezone?.() ?? '';
    // Scheduled reports compare with the period before and the same time a week before.
    const analysis = (): AnalysisOptions => ({ timezone: resolvedTimeZone(tz()), previous: true, weeks: 1, dayHour: false });
    if (opts.hourly) {
      arm(
        () => nextHour(this.clock.now()),
        (at) => this.generate('hourly', opts.cameras(), at / 1000 - 3600, at / 1000, 60, analysis()).then((r) => opts.onReport?.('hourly', r)),
      );
    }
    if (opts.daily) {
      arm(
        () => nextDaily(this.clock.now(), opts.dailyAt, tz()),
        (at) => {
          const end = startOfLocalDay(at, tz());
          return this.generate('daily', opts.cameras(), startOfLocalDay(end - 1, tz()) / 1000, end / 1000, 900, analysis()).then((r) => opts.onReport?.('daily', r));
        },
      );
    }
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}

function summary(r: ReportsTable): StoredReport {
  return { id: r.id, kind: r.kind, cameras: JSON.parse(r.cameras) as string[], from: new Date(r.range_from * 1000).toISOString(), to: new Date(r.range_to * 1000).toISOString(), created_at: new Date(r.created_at).toISOString() };
}

/** Unix ms of the next full hour after `now`. */
export function nextHour(now: number): number {
  return Math.floor(now / 3_600_000) * 3_600_000 + 3_600_000;
}

/** Unix ms of the next local `HH:MM` after `now`, in time zone `tz` ('' = the box's own). */
export function nextDaily(now: number, hhmm: string, tz = ''): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const p = localParts(now, tz);
  const today = zonedTime(tz, p.year, p.month, p.day, h, m);
  return today > now ? today : zonedTime(tz, p.year, p.month, p.day + 1, h, m);
}

/** Unix ms of local midnight starting the day that contains `t`, in time zone `tz` ('' = the box's own). */
export function startOfLocalDay(t: number, tz = ''): number {
  return startOfDay(t, tz);
}
