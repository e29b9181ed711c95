import { sql, type Kysely, type Selectable } from 'kysely';
import { addGrids, decodeGrid, encodeGrid, type HeatmapGrid, type HeatmapKind } from './heatmap-grid.js';
import type { Database, EventsTable, CountsMinuteTable } from './schema.js';
import { eventType, typesWithTarget } from './event-types.js';

export type EventRow = Omit<EventsTable, 'id'>;
export type MinuteRow = CountsMinuteTable;
/** A minute row of one target and class: every figure 0 but those given. */
export function minuteRow(key: Pick<MinuteRow, 'camera_id' | 'minute' | 'kind' | 'target' | 'class_name'>, figures: Partial<MinuteRow> = {}): MinuteRow {
  return { ...key, entries: 0, exits: 0, crossings_in: 0, crossings_out: 0, max_occupancy: 0, dwell_sum: 0, visits: 0, ...figures };
}
export interface HeatmapDelta {
  camera: string;
  className: string;
  kind: HeatmapKind;
  /** Hour-aligned unix seconds. */
  bucket: number;
  grid: HeatmapGrid;
}

const DAY = 86_400;

/**
 * Writes analytics in one transaction per flush: events, per-minute counts (added to what is
 * stored), and heatmap deltas (added to their hour bucket and to their day bucket, so a range of
 * whole days reads day rows and only the ragged ends read hours).
 */
export class AnalyticsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async write(batch: { events: EventRow[]; minutes: MinuteRow[]; heatmaps: HeatmapDelta[] }): Promise<void> {
    if (!batch.events.length && !batch.minutes.length && !batch.heatmaps.length) return;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < batch.events.length; i += 200) {
        await trx.insertInto('events').values(batch.events.slice(i, i + 200)).execute();
      }
      for (let i = 0; i < batch.minutes.length; i += 200) {
        await trx
          .insertInto('counts_minute')
          .values(batch.minutes.slice(i, i + 200))
          .onConflict((oc) =>
            oc.columns(['camera_id', 'minute', 'kind', 'target', 'class_name']).doUpdateSet((eb) => ({
              entries: eb('counts_minute.entries', '+', eb.ref('excluded.entries')),
              exits: eb('counts_minute.exits', '+', eb.ref('excluded.exits')),
              crossings_in: eb('counts_minute.crossings_in', '+', eb.ref('excluded.crossings_in')),
              crossings_out: eb('counts_minute.crossings_out', '+', eb.ref('excluded.crossings_out')),
              max_occupancy: eb.fn('max', ['counts_minute.max_occupancy', 'excluded.max_occupancy']),
              dwell_sum: eb('counts_minute.dwell_sum', '+', eb.ref('excluded.dwell_sum')),
              visits: eb('counts_minute.visits', '+', eb.ref('excluded.visits')),
            })),
          )
          .execute();
      }
      for (const h of batch.heatmaps) {
        for (const [table, bucket] of [['heatmap_hour', h.bucket], ['heatmap_day', Math.floor(h.bucket / DAY) * DAY]] as const) {
          const key = { camera_id: h.camera, class_name: h.className, kind: h.kind, bucket };
          const row = await trx
            .selectFrom(table)
            .select('data')
            .where('camera_id', '=', key.camera_id)
            .where('kind', '=', key.kind)
            .where('class_name', '=', key.class_name)
            .where('bucket', '=', key.bucket)
            .executeTakeFirst();
          const grid = row ? addGrids(decodeGrid(row.data), h.grid) : h.grid;
          await trx
            .insertInto(table)
            .values({ ...key, data: encodeGrid(grid) })
            .onConflict((oc) => oc.columns(['camera_id', 'kind', 'class_name', 'bucket']).doUpdateSet({ data: encodeGrid(grid) }))
            .execute();
        }
      }
    });
  }

  /**
   * The heatmap of [from, to) (unix seconds) at hour resolution, summed over classes unless one is
   * named: whole UTC days from day rows, the hours overlapping the rest from hour rows. Undefined when
   * nothing was recorded.
   */
  async heatmap(camera: string, kind: HeatmapKind, from: number, to: number, className?: string): Promise<HeatmapGrid | undefined> {
    const firstDay = Math.ceil(from / DAY) * DAY;
    const lastDay = Math.floor(to / DAY) * DAY;
    // Each part reads buckets starting in [min, to): hours overlapping the range's ragged ends, and
    // the days it covers whole (never both for the same time).
    const hourBefore = Math.floor(from / 3600) * 3600;
    const parts: Array<{ table: 'heatmap_hour' | 'heatmap_day'; min: number; to: number }> = [];
    if (lastDay > firstDay) {
      parts.push({ table: 'heatmap_day', min: firstDay, to: lastDay });
      parts.push({ table: 'heatmap_hour', min: hourBefore, to: firstDay });
      parts.push({ table: 'heatmap_hour', min: lastDay, to });
    } else {
      parts.push({ table: 'heatmap_hour', min: hourBefore, to });
    }
    let sum: HeatmapGrid | undefined;
    for (const p of parts) {
      if (p.to <= p.min) continue;
      let q = this.db
        .selectFrom(p.table)
        .select('data')
        .where('camera_id', '=', camera)
        .where('kind', '=', kind)
        .where('bucket', '>=', p.min)
        .where('bucket', '<', p.to);
      if (className) q = q.where('class_name', '=', className);
      for (const row of await q.execute()) {
        const g = decodeGrid(row.data);
        sum = sum ? addGrids(sum, g) : g;
      }
    }
    return sum;
  }

  /** Events with ids above `cursor`, oldest first (the pull API). */
  async eventsAfter(cursor: number, limit: number, camera?: string): Promise<EventView[]> {
    let query = this.named().where('events.id', '>', cursor).orderBy('events.id', 'asc').limit(limit);
    if (camera) query = query.where('events.camera_id', '=', camera);
    return (await query.execute()).map(eventView);
  }

  /** Events with the display names of their zone and line (both joined; eventView keeps the one of the event's kind). */
  private named() {
    return this.db
      .selectFrom('events')
      .leftJoin('zones', (j) => j.onRef('zones.camera_id', '=', 'events.camera_id').onRef('zones.id', '=', 'events.target'))
      .leftJoin('lines', (j) => j.onRef('lines.camera_id', '=', 'events.camera_id').onRef('lines.id', '=', 'events.target'))
      .selectAll('events')
      .select(['zones.name as zone_name', 'lines.name as line_name']);
  }

  /**
   * Events matching a filter, newest first in strict time order (the id breaks ties); `cursor` is the
   * id of the last event of the previous page: the page continues after it in that order.
   */
  async events(q: EventQuery): Promise<EventView[]> {
    let query = this.named()
      .where('events.ts', '>=', q.from * 1000)
      .where('events.ts', '<', q.to * 1000)
      .orderBy('events.ts', 'desc')
      .orderBy('events.id', 'desc')
      .limit(q.limit);
    if (q.camera) query = query.where('events.camera_id', '=', q.camera);
    if (q.type) query = query.where('events.type', '=', q.type);
    if (q.class) query = query.where('events.class_name', '=', q.class);
    if (q.zone) query = query.where('events.type', 'in', typesWithTarget('zone')).where('events.target', '=', q.zone);
    if (q.line) query = query.where('events.type', 'in', typesWithTarget('line')).where('events.target', '=', q.line);
    if (q.cursor) {
      const at = await this.db.selectFrom('events').select('ts').where('id', '=', q.cursor).executeTakeFirst();
      const ts = at?.ts ?? Number.MAX_SAFE_INTEGER;
      const cursor = q.cursor;
      query = query.where((eb) => eb.or([eb('events.ts', '<', ts), eb.and([eb('events.ts', '=', ts), eb('events.id', '<', cursor)])]));
    }
    return (await query.execute()).map(eventView);
  }

  // ── Comparisons (issue 18) ──

  /**
   * Zone and line counts of `cameras` over [from, to) (unix seconds, whole minutes), summed per
   * unix quarter hour (minute / 15: every time zone's hours start on one).
   */
  async quarterCounts(cameras: readonly string[], from: number, to: number): Promise<Array<{ q: number; entries: number; exits: number; crossings_in: number; crossings_out: number }>> {
    return this.db
      .selectFrom('counts_minute')
      .select([
        sql<number>`minute / 15`.as('q'),
        sql<number>`SUM(entries)`.as('entries'),
        sql<number>`SUM(exits)`.as('exits'),
        sql<number>`SUM(crossings_in)`.as('crossings_in'),
        sql<number>`SUM(crossings_out)`.as('crossings_out'),
      ])
      .where('camera_id', 'in', cameras.length ? [...cameras] : ['\u0000'])
      .where('kind', 'in', ['zone', 'line'])
      .where('minute', '>=', Math.floor(from / 60))
      .where('minute', '<', Math.ceil(to / 60))
      .groupBy(sql`minute / 15`)
      .execute();
  }

  /** Everything recorded under one camera id (a session's data). */
  async deleteCamera(camera: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const t of ['events', 'counts_minute', 'heatmap_hour', 'heatmap_day', 'tracks', 'detection_seconds', 'zones', 'lines'] as const) {
        await trx.deleteFrom(t).where('camera_id', '=', camera).execute();
      }
    });
  }
}

function eventView(r: Selectable<EventsTable> & { zone_name: string | null; line_name: string | null }): EventView {
  const spec = eventType(r.type);
  const zone = spec?.target === 'zone' ? r.target : null;
  const line = spec?.target === 'line' ? r.target : null;
  return {
    id: r.id,
    time: new Date(r.ts).toISOString(),
    camera: r.camera_id,
    type: r.type,
    zone,
    line,
    zone_name: zone === null ? null : (r.zone_name ?? zone),
    line_name: line === null ? null : (r.line_name ?? line),
    track_id: r.track_id,
    class: r.class_name,
    direction: r.direction,
    dwell_seconds: spec?.value?.view === 'dwell_seconds' ? r.value : null,
    occupancy: spec?.value?.view === 'occupancy' ? r.value : null,
  };
}

export interface EventQuery {
  camera?: string | undefined;
  type?: string | undefined;
  class?: string | undefined;
  zone?: string | undefined;
  line?: string | undefined;
  /** Unix seconds. */
  from: number;
  to: number;
  limit: number;
  /** Only events with a smaller id (pagination, newest first). */
  cursor?: number | undefined;
}

export interface EventView {
  id: number;
  /** ISO time. */
  time: string;
  camera: string;
  type: string;
  zone: string | null;
  line: string | null;
  /** The zone's or line's display name (its id when unnamed or since removed). */
  zone_name: string | null;
  line_name: string | null;
  track_id: number | null;
  class: string | null;
  direction: string | null;
  dwell_seconds: number | null;
  occupancy: number | null;
}
