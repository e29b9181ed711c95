/**
 * Per-minute aggregation of zone and line analytics, keyed by (minute, zone or line, class name).
 *
 * Minutes are unix minutes: floor(t / 60) with t in unix seconds. Each event is counted in the minute
 * of its OWN t (a zone.enter carries the time the track actually entered, a zone.exit the time it
 * left), occupancy samples in the minute of add's t. Rows can be drained at any time, including the
 * current minute's: a later drain may then return another row with the same (minute, kind, id,
 * className), as may an event dated in an already drained minute (an enter confirmed or an exit
 * closed after the minute turned). Consumers merge rows additively: sum the counts and dwell, take
 * the max of maxOccupancy.
 */
import type { AnalyticsEvent } from './zone-engine.js';

export interface MinuteRow {
  /** Unix minute: floor(unix seconds / 60). */
  minute: number;
  kind: 'zone' | 'line';
  /** Zone or line id. */
  id: string;
  className: string;
  /** Zone: tracks that entered (zone.enter). */
  entries: number;
  /** Zone: tracks that left (zone.exit). */
  exits: number;
  /** Line: 'in' crossings. */
  crossingsIn: number;
  /** Line: 'out' crossings. */
  crossingsOut: number;
  /** Zone: highest occupancy of this class sampled in the minute. */
  maxOccupancy: number;
  /** Zone: sum of the dwell seconds of visits that ended in the minute. */
  dwellSum: number;
  /** Zone: number of visits that ended in the minute (mean dwell = dwellSum / visits). */
  visits: number;
}

export class MinuteCounts {
  /** minute → row key → row. */
  private readonly buckets = new Map<number, Map<string, MinuteRow>>();

  /** Adds one frame's events and occupancy (zone id → class → count) sampled at t (unix seconds). */
  add(events: AnalyticsEvent[], occupancy: Record<string, Record<string, number>>, t: number): void {
    for (const e of events) {
      switch (e.type) {
        case 'zone.enter':
          this.row(e.t, 'zone', e.zone, e.className).entries++;
          break;
        case 'zone.exit': {
          const r = this.row(e.t, 'zone', e.zone, e.className);
          r.exits++;
          r.visits++;
          r.dwellSum += e.dwellSeconds;
          break;
        }
        case 'line.cross': {
          const r = this.row(e.t, 'line', e.line, e.className);
          if (e.direction === 'in') r.crossingsIn++;
          else r.crossingsOut++;
          break;
        }
        default:
          break; // loitering and crowding are events, not counts
      }
    }
    for (const zone in occupancy) {
      const byClass = occupancy[zone]!;
      for (const cls in byClass) {
        const n = byClass[cls]!;
        if (!(n > 0)) continue;
        const r = this.row(t, 'zone', zone, cls);
        if (n > r.maxOccupancy) r.maxOccupancy = n;
      }
    }
  }

  /**
   * Removes and returns the rows of minutes before beforeMinute (all rows when omitted), sorted by
   * minute, kind, id and class name.
   */
  drain(beforeMinute?: number): MinuteRow[] {
    const rows: MinuteRow[] = [];
    for (const [minute, bucket] of this.buckets) {
      if (beforeMinute !== undefined && !(minute < beforeMinute)) continue;
      for (const r of bucket.values()) rows.push(r);
      this.buckets.delete(minute);
    }
    rows.sort(
      (a, b) =>
        a.minute - b.minute ||
        cmp(a.kind, b.kind) ||
        cmp(a.id, b.id) ||
        cmp(a.className, b.className),
    );
    return rows;
  }

  /** Number of rows held. */
  get size(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.size;
    return n;
  }

  private row(t: number, kind: 'zone' | 'line', id: string, className: string): MinuteRow {
    const minute = Math.floor(t / 60);
    let bucket = this.buckets.get(minute);
    if (bucket === undefined) {
      bucket = new Map();
      this.buckets.set(minute, bucket);
    }
    const key = `${kind}\u0000${id}\u0000${className}`;
    let r = bucket.get(key);
    if (r === undefined) {
      r = { minute, kind, id, className, entries: 0, exits: 0, crossingsIn: 0, crossingsOut: 0, maxOccupancy: 0, dwellSum: 0, visits: 0 };
      bucket.set(key, r);
    }
    return r;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
