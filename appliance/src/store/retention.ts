import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { AnalyticsConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { AlertStore } from './alert-store.js';
import type { OpenedDatabase } from './database.js';
import { reclaimSpace } from './space-reclaim.js';

const DAY_MS = 86_400_000;
/** First run a minute after start (not in the way of start-up), then every 6 hours. */
const FIRST_MS = 60_000;
const EVERY_MS = 6 * 3_600_000;

/** How long each kind of row is kept, in days. */
export interface RetentionDays {
  events: number;
  minutes: number;
  heatmapHours: number;
  heatmapDays: number;
  tracks: number;
  detectionSeconds: number;
  reports: number;
  /** The alert notifications history (kept like events). */
  notifications: number;
}

export function retentionDays(r: AnalyticsConfig['retention']): RetentionDays {
  return {
    events: r.events_days,
    minutes: r.minute_counts_days,
    heatmapHours: r.heatmap_hours_days,
    heatmapDays: r.heatmap_days_days,
    tracks: r.tracks_days,
    detectionSeconds: r.detection_seconds_days,
    reports: r.reports_days,
    notifications: r.events_days,
  };
}

/** Recordings' part of retention (recordings/recordings-service.ts): segments by days and disk share, and room when the disk runs low. */
export interface RecordingsRetention {
  applyRetention(): Promise<number>;
  reclaim(): Promise<number>;
}

/**
 * Every retention rule of the database in one place, on one timer: rows older than their table's
 * retention go; when the disk runs low (DiskGuard) the same rules run at once and the bulkiest raw
 * rows are trimmed too (space-reclaim.ts).
 */
export class Retention {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly store: OpenedDatabase,
    private readonly days: RetentionDays,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Recorded segments (issue 17): their retention runs with the tables', and they make room first when the disk runs low. */
    private readonly recordings?: RecordingsRetention,
  ) {}

  start(): void {
    const run = () => void this.apply().catch((err: unknown) => this.log.error({ err }, 'retention failed'));
    const first = setTimeout(run, FIRST_MS);
    const every = setInterval(run, EVERY_MS);
    first.unref();
    every.unref();
    this.timers = [first, every];
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /** Deletes rows older than each table's retention; returns rows deleted per table. */
  async apply(): Promise<Record<string, number>> {
    const { db, raw } = this.store;
    const days = this.days;
    const nowMs = this.clock.now();
    const ms = (d: number) => nowMs - d * DAY_MS;
    const s = (d: number) => Math.floor(ms(d) / 1000);
    const n = (r: { numDeletedRows: bigint }[]) => Number(r[0]?.numDeletedRows ?? 0);
    const out: Record<string, number> = {};
    out.events = n(await db.deleteFrom('events').where('ts', '<', ms(days.events)).execute());
    out.counts_minute = n(await db.deleteFrom('counts_minute').where('minute', '<', Math.floor(s(days.minutes) / 60)).execute());
    out.coverage_minute = n(await db.deleteFrom('coverage_minute').where('minute', '<', Math.floor(s(days.minutes) / 60)).execute());
    out.heatmap_hour = n(await db.deleteFrom('heatmap_hour').where('bucket', '<', s(days.heatmapHours)).execute());
    out.heatmap_day = n(await db.deleteFrom('heatmap_day').where('bucket', '<', s(days.heatmapDays)).execute());
    out.tracks = n(await db.deleteFrom('tracks').where('last_seen', '<', ms(days.tracks)).execute());
    out.detection_seconds = n(await db.deleteFrom('detection_seconds').where('ts', '<', s(days.detectionSeconds)).execute());
    out.reports = n(await db.deleteFrom('reports').where('created_at', '<', ms(days.reports)).execute());
    out.notifications = new AlertStore(raw).prune(ms(days.notifications));
    if (this.recordings) out.recording_segments = await this.recordings.applyRetention();
    await sql`PRAGMA optimize`.execute(db);
    this.log.info({ deleted: out }, 'retention applied');
    return out;
  }

  /** The disk runs low: retention now, then the oldest raw rows. Returns rows deleted. */
  async reclaim(): Promise<number> {
    const retention = await this.apply();
    const recorded = (await this.recordings?.reclaim()) ?? 0;
    const trimmed = reclaimSpace(this.store.raw, this.clock.now());
    return [...Object.values(retention), ...Object.values(trimmed), recorded].reduce((a, b) => a + b, 0);
  }
}
