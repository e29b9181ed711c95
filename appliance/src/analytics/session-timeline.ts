/**
 * A file session in video time (issue 19): its timeline and events as offsets from the start of the
 * file (and, when the file states its creation_time, as the times they were recorded), in buckets
 * sized to the video — seconds for a short clip, so a 7-second clip has seven points, not one.
 */
import { sql, type Kysely } from 'kysely';
import type { AnalyticsStore, EventView } from '../store/analytics-store.js';
import type { Database } from '../store/schema.js';
import type { SessionView } from './session-view.js';

/** Bucket sizes a session timeline may use, in seconds (the first that gives at most MAX_SESSION_BUCKETS). */
export const SESSION_BUCKET_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400] as const;
/** Buckets of a session timeline at most (below that whenever a step allows; a video of over 120 days has more). */
export const MAX_SESSION_BUCKETS = 120;
/** Events listed at most (the first in video time); the buckets count them all. */
export const MAX_SESSION_EVENTS = 5000;

/** The bucket size for a video of `durationS` seconds: the finest step with at most MAX_SESSION_BUCKETS buckets. */
export function bucketSeconds(durationS: number): number {
  return SESSION_BUCKET_STEPS.find((s) => Math.ceil(durationS / s) <= MAX_SESSION_BUCKETS) ?? 86_400;
}

export interface SessionTimelineBucket {
  /** Seconds from the start of the video to the bucket's start. */
  offset_s: number;
  /** When the bucket's start was recorded (the file's creation_time + offset), ISO; null when the file does not say. */
  time: string | null;
  /** Tracks first seen in the bucket. */
  tracks: number;
  entries: number;
  exits: number;
  crossings_in: number;
  crossings_out: number;
}

export type SessionTimelineEvent = EventView & {
  /** Seconds from the start of the video to the frame of the event. */
  offset_s: number;
  /** When it was recorded (the file's creation_time + offset), ISO; null when the file does not say. */
  video_time: string | null;
};

export interface SessionTimeline {
  session: string;
  /** The analysed file (a stream session's URL, credentials hidden). */
  source: string;
  /** The file's creation_time, ISO; null: times are offsets from its start only. */
  video_start: string | null;
  /** Seconds of video the timeline covers. */
  duration_s: number;
  bucket_seconds: number;
  buckets: SessionTimelineBucket[];
  /** Events in video order (offset, then id), the first MAX_SESSION_EVENTS. */
  events: SessionTimelineEvent[];
  /** Events of the session in all (more than `events` lists when over MAX_SESSION_EVENTS). */
  events_total: number;
}

/**
 * The timeline of a file or stream session that has started (video_base_ms set): undefined for one
 * that has not. Its span is the session's video duration, else what its summary measured, else up to
 * its last event; an event at the very end (a track closed as the video ended) counts in the last bucket.
 */
export async function sessionTimeline(db: Kysely<Database>, store: AnalyticsStore, s: SessionView): Promise<SessionTimeline | undefined> {
  const base = s.video_base_ms;
  if (s.kind === 'camera' || base === null) return undefined;
  const camera = `session-${s.id}`;
  const events = (await store.eventsAfter(0, MAX_SESSION_EVENTS, camera)).sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.id - b.id);
  const total = await db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('camera_id', '=', camera).executeTakeFirstOrThrow();
  const lastEvent = await db.selectFrom('events').select((eb) => eb.fn.max('ts').as('ts')).where('camera_id', '=', camera).executeTakeFirst();
  const measured = s.summary && s.summary.source_fps > 0 ? s.summary.frames / s.summary.source_fps : null;
  const lastOffset = lastEvent?.ts === null || lastEvent?.ts === undefined ? 0 : (Number(lastEvent.ts) - base) / 1000;
  const duration = s.video_duration_s ?? measured ?? lastOffset;
  const step = bucketSeconds(duration);
  const n = Math.max(1, Math.ceil(duration / step));
  const startMs = s.video_start === null ? null : Date.parse(s.video_start);
  const at = (offsetS: number) => (startMs === null ? null : new Date(startMs + Math.round(offsetS * 1000)).toISOString());
  const buckets: SessionTimelineBucket[] = Array.from({ length: n }, (_, i) => ({ offset_s: i * step, time: at(i * step), tracks: 0, entries: 0, exits: 0, crossings_in: 0, crossings_out: 0 }));
  const bucketOf = (b: number) => buckets[Math.min(n - 1, Math.max(0, b))]!;
  const index = (column: 'ts' | 'first_seen') => sql<number>`CAST((${sql.ref(column)} - ${base}) / ${step * 1000} AS INTEGER)`;

  const counted = await db
    .selectFrom('events')
    .select([index('ts').as('b'), 'type', 'direction', (eb) => eb.fn.countAll<number>().as('n')])
    .where('camera_id', '=', camera)
    .where('type', 'in', ['zone.enter', 'zone.exit', 'line.cross'])
    .groupBy([sql`b`, 'type', 'direction'])
    .execute();
  for (const r of counted) {
    const row = bucketOf(Number(r.b));
    const k = Number(r.n);
    if (r.type === 'zone.enter') row.entries += k;
    else if (r.type === 'zone.exit') row.exits += k;
    else if (r.direction === 'in') row.crossings_in += k;
    else if (r.direction === 'out') row.crossings_out += k;
  }
  const tracks = await db
    .selectFrom('tracks')
    .select([index('first_seen').as('b'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('camera_id', '=', camera)
    .groupBy(sql`b`)
    .execute();
  for (const r of tracks) bucketOf(Number(r.b)).tracks += Number(r.n);

  return {
    session: s.id,
    source: s.source,
    video_start: s.video_start,
    duration_s: duration,
    bucket_seconds: step,
    buckets,
    events: events.map((e) => {
      const offset = (Date.parse(e.time) - base) / 1000;
      return { ...e, offset_s: offset, video_time: at(offset) };
    }),
    events_total: Number(total.n),
  };
}
