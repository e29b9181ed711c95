/**
 * Queues (pure logic): a zone marked `queue` whose visitors are served when they cross its service
 * line. Fed the zone engine's events (zone.enter / zone.exit carry the hysteresis-confirmed visit with
 * its first inside and first outside frame times; line.cross is the tripwire's crossing, once per
 * visitor — see zone-engine.ts, tripwire.ts and visitors.ts) and every frame's foot points.
 *
 * - JOINED: a visit of the queue zone starts (zone.enter).
 * - SERVED: the visitor crosses the service line during the visit, or within `graceSeconds` after
 *   leaving the zone (a service line just beyond the zone's edge). Its WAIT is the time from the first
 *   frame inside the zone to the first frame its foot point was past the service line (the tripwire
 *   confirms a crossing only once the point is clearly past, a fraction of a box later; the wait ends
 *   when the line was reached).
 * - ABANDONED: the visit ends (left the zone, or the track ended) without such a crossing.
 * - LENGTH: the zone's occupancy (visitors inside, per the zone engine), sampled every frame.
 * - ESTIMATED WAIT for someone joining now, as commercial queue counters do (Little's law,
 *   W = L / μ): the current length L divided by the service rate μ, the visitors served in the last
 *   `rateWindowSeconds` (or since the start, if shorter) per second. When nobody was served in that
 *   window but someone is waiting, the estimate is the time the longest-waiting visitor has already
 *   spent in the zone (a lower bound that keeps growing, so a stalled queue still raises its alert).
 *   An empty queue has no wait.
 */
import { cross } from '../math/geometry.js';
import type { AnalyticsEvent, TrackPoint } from './zone-engine.js';

export interface QueueDef {
  zone: string;
  serviceLine: string;
  /** The service line's end points (normalised), for the reach time; undefined when the camera lacks it. */
  line: readonly [readonly [number, number], readonly [number, number]] | undefined;
  /** The zone's outline (normalised): its side of the service line is the waiting side. */
  points: ReadonlyArray<readonly [number, number]>;
}

export interface QueueOptions {
  graceSeconds: number;
  rateWindowSeconds: number;
}

/** One minute of one queue. */
export interface QueueMinute {
  minute: number;
  zone: string;
  lengthSum: number;
  frames: number;
  maxLength: number;
  joined: number;
  served: number;
  abandoned: number;
  waitSum: number;
  maxWait: number;
  estimateSum: number;
  maxEstimate: number;
}

export interface QueueLive {
  length: number;
  estimated_wait_seconds: number;
  /** Mean wait of the visitors served in the rate window (seconds; 0 when none). */
  recent_wait_seconds: number;
  served_per_minute: number;
  served: number;
  abandoned: number;
}

interface Queue {
  def: QueueDef;
  /** Open visits: track → first inside time. */
  waiting: Map<number, number>;
  /** Served while still inside: their coming zone.exit closes nothing. */
  servedInside: Set<number>;
  /** Left the zone without crossing yet: track → visit, until the grace passes. */
  left: Map<number, { entry: number; exit: number }>;
  /** Service-line crossings not yet matched to a visit (a track whose visit continued under a new id): track → reach time. */
  crossed: Map<number, number>;
  /** Per track: side of the service line last seen on, and when it got there. */
  side: Map<number, { side: number; since: number }>;
  /** Side of the service line (−1 / +1) the zone lies on; a crossing to the other side is service. */
  queueSide: number;
  /** Served in the rate window: [time, wait]. */
  recent: Array<[number, number]>;
  served: number;
  abandoned: number;
  length: number;
  estimate: number;
}

/** Crossings waiting for their visit's exit are forgotten after this long. */
const CROSSED_TTL_SECONDS = 600;

export class QueueMonitor {
  private readonly queues: Queue[];
  private readonly minutes = new Map<string, QueueMinute>();
  private start = NaN;
  private lastT = NaN;

  constructor(
    defs: readonly QueueDef[],
    private readonly opts: QueueOptions,
  ) {
    this.queues = defs.map((def) => ({
      def,
      waiting: new Map(),
      servedInside: new Set(),
      left: new Map(),
      crossed: new Map(),
      side: new Map(),
      queueSide: sideOfZone(def),
      recent: [],
      served: 0,
      abandoned: 0,
      length: 0,
      estimate: 0,
    }));
  }

  get size(): number {
    return this.queues.length;
  }

  /** One frame: its foot points, the zone engine's events so far, and the zones' occupancy now. */
  frame(points: readonly TrackPoint[], events: readonly AnalyticsEvent[], occupancy: Record<string, Record<string, number>>, t: number): void {
    if (Number.isNaN(this.start)) this.start = t;
    this.lastT = t;
    for (const q of this.queues) {
      const l = q.def.line;
      if (l) {
        for (const p of points) {
          const c = cross(l[0][0], l[0][1], l[1][0], l[1][1], p.x, p.y);
          if (c === 0) continue;
          const side = c > 0 ? 1 : -1;
          const s = q.side.get(p.id);
          if (!s) q.side.set(p.id, { side, since: t });
          else if (s.side !== side) {
            s.side = side;
            s.since = t;
          }
        }
      }
    }
    this.events(events, t);
    for (const q of this.queues) {
      this.expire(q, t);
      const length = Object.values(occupancy[q.def.zone] ?? {}).reduce((a, b) => a + b, 0);
      q.length = length;
      q.estimate = this.estimateOf(q, t);
      const m = this.minute(q.def.zone, t);
      m.lengthSum += length;
      m.frames++;
      m.maxLength = Math.max(m.maxLength, length);
      m.estimateSum += q.estimate;
      m.maxEstimate = Math.max(m.maxEstimate, q.estimate);
    }
  }

  /** A track ended (its zone exits are in `events`): its visits close; forget its line state. */
  trackEnd(trackId: number, events: readonly AnalyticsEvent[], t: number): void {
    this.events(events, t);
    for (const q of this.queues) {
      q.side.delete(trackId);
      q.crossed.delete(trackId);
    }
  }

  /** The stream stopped: visits still open or in their grace end unserved. */
  close(events: readonly AnalyticsEvent[], t: number): void {
    this.events(events, t);
    for (const q of this.queues) {
      for (const [track] of q.left) this.abandon(q, track, t);
      q.side.clear();
      q.crossed.clear();
    }
  }

  live(): Record<string, QueueLive> {
    const out: Record<string, QueueLive> = {};
    for (const q of this.queues) {
      const waits = q.recent.map(([, w]) => w);
      const span = this.span();
      out[q.def.zone] = {
        length: q.length,
        estimated_wait_seconds: round1(q.estimate),
        recent_wait_seconds: round1(waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : 0),
        served_per_minute: round1(span > 0 ? (q.recent.length / span) * 60 : 0),
        served: q.served,
        abandoned: q.abandoned,
      };
    }
    return out;
  }

  /** Minutes before `beforeMinute` (all when omitted), removed from memory. */
  drain(beforeMinute?: number): QueueMinute[] {
    const out: QueueMinute[] = [];
    for (const [k, m] of this.minutes) {
      if (beforeMinute !== undefined && m.minute >= beforeMinute) continue;
      out.push(m);
      this.minutes.delete(k);
    }
    return out;
  }

  private events(events: readonly AnalyticsEvent[], t: number): void {
    for (const e of events) {
      for (const q of this.queues) {
        if (e.type === 'zone.enter' && e.zone === q.def.zone) {
          q.waiting.set(e.trackId, e.t);
          q.servedInside.delete(e.trackId);
          this.minute(q.def.zone, e.t).joined++;
        } else if (e.type === 'zone.exit' && e.zone === q.def.zone) {
          q.waiting.delete(e.trackId);
          if (q.servedInside.delete(e.trackId)) continue;
          const entry = e.t - e.dwellSeconds;
          const reached = q.crossed.get(e.trackId);
          if (reached !== undefined && reached >= entry - 1e-9) {
            q.crossed.delete(e.trackId);
            this.serve(q, entry, reached, t);
          } else q.left.set(e.trackId, { entry, exit: e.t });
        } else if (e.type === 'line.cross' && e.line === q.def.serviceLine) {
          const s = q.side.get(e.trackId);
          // Crossing into the queue (or back to it) is not service.
          if (s && q.queueSide !== 0 && s.side === q.queueSide) continue;
          const reached = s && s.since <= e.t ? s.since : e.t;
          const entry = q.waiting.get(e.trackId);
          const gone = q.left.get(e.trackId);
          if (entry !== undefined) {
            q.waiting.delete(e.trackId);
            q.servedInside.add(e.trackId);
            this.serve(q, entry, reached, t);
          } else if (gone !== undefined) {
            q.left.delete(e.trackId);
            this.serve(q, gone.entry, reached, t);
          } else q.crossed.set(e.trackId, reached);
        }
      }
    }
  }

  private expire(q: Queue, t: number): void {
    for (const [track, v] of q.left) if (t - v.exit > this.opts.graceSeconds) this.abandon(q, track, t);
    for (const [track, reached] of q.crossed) if (t - reached > CROSSED_TTL_SECONDS) q.crossed.delete(track);
    while (q.recent.length && q.recent[0]![0] < t - this.opts.rateWindowSeconds) q.recent.shift();
  }

  private serve(q: Queue, entry: number, reached: number, t: number): void {
    const wait = Math.max(0, reached - entry);
    q.served++;
    q.recent.push([t, wait]);
    const m = this.minute(q.def.zone, reached);
    m.served++;
    m.waitSum += wait;
    m.maxWait = Math.max(m.maxWait, wait);
  }

  private abandon(q: Queue, track: number, t: number): void {
    q.left.delete(track);
    q.abandoned++;
    this.minute(q.def.zone, t).abandoned++;
  }

  /** Seconds the rate window covers so far. */
  private span(): number {
    return Number.isNaN(this.start) ? 0 : Math.min(this.opts.rateWindowSeconds, this.lastT - this.start);
  }

  private estimateOf(q: Queue, t: number): number {
    if (q.length === 0) return 0;
    const span = this.span();
    if (q.recent.length && span > 0) return q.length / (q.recent.length / span);
    let oldest = t;
    for (const entry of q.waiting.values()) oldest = Math.min(oldest, entry);
    return t - oldest;
  }

  private minute(zone: string, t: number): QueueMinute {
    const minute = Math.floor(t / 60);
    const k = `${minute}|${zone}`;
    let m = this.minutes.get(k);
    if (!m) {
      m = { minute, zone, lengthSum: 0, frames: 0, maxLength: 0, joined: 0, served: 0, abandoned: 0, waitSum: 0, maxWait: 0, estimateSum: 0, maxEstimate: 0 };
      this.minutes.set(k, m);
    }
    return m;
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The side of the service line (sign of the cross product) the zone's vertex mean lies on; 0 when unknown. */
function sideOfZone(def: QueueDef): number {
  const l = def.line;
  if (!l || !def.points.length) return 0;
  let x = 0;
  let y = 0;
  for (const p of def.points) {
    x += p[0];
    y += p[1];
  }
  const c = cross(l[0][0], l[0][1], l[1][0], l[1][1], x / def.points.length, y / def.points.length);
  return c > 0 ? 1 : c < 0 ? -1 : 0;
}
