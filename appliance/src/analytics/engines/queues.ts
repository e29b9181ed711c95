import { minuteRow, type MinuteRow } from '../../store/analytics-store.js';
import { QueueMonitor, type QueueMinute } from '../queue-monitor.js';
import type { AnalyticEngine, ReportContext } from './engine.js';

/**
 * Queues: zones marked `queue: true` with their `service_line` (analytics/queue-monitor.ts states
 * what joined, served, abandoned, the wait and the estimated wait mean). Stored per minute and queue
 * zone as `counts_minute` rows of kind `queues`: class `length` (max_occupancy = longest, dwell_sum /
 * visits = mean over frames), `flow` (entries = joined, crossings_in = served, crossings_out =
 * abandoned, dwell_sum = total wait of the served, max_occupancy = longest wait in whole seconds) and
 * `estimate` (dwell_sum / visits = mean estimated wait over frames, max_occupancy = its most).
 */
export const queuesEngine: AnalyticEngine = {
  name: 'queues',
  create({ cameraId, shapes, occupancy, config }) {
    const defs = shapes.zones
      .filter((z) => z.queue && z.service_line)
      .map((z) => ({ zone: z.id, serviceLine: z.service_line!, line: shapes.lines.find((l) => l.id === z.service_line)?.points, points: z.points }));
    if (!defs.length) return undefined;
    const q = new QueueMonitor(defs, { graceSeconds: config?.queues.grace_seconds ?? 2, rateWindowSeconds: config?.queues.rate_window_seconds ?? 300 });
    return {
      frame: (f) => q.frame(f.points, f.events, occupancy(), f.t),
      trackEnd: (id, t, events) => q.trackEnd(id, events, t),
      close: (t, events) => q.close(events, t),
      live: () => q.live(),
      drainMinutes: (before) => q.drain(before).flatMap((m) => queueRows(cameraId, m)),
    };
  },
  report: queuesReport,
};

function queueRows(camera: string, m: QueueMinute): MinuteRow[] {
  const row = (class_name: string, r: Partial<MinuteRow>): MinuteRow => minuteRow({ camera_id: camera, minute: m.minute, kind: 'queues', target: m.zone, class_name }, r);
  const rows: MinuteRow[] = [];
  if (m.frames) {
    rows.push(row('length', { max_occupancy: m.maxLength, dwell_sum: m.lengthSum, visits: m.frames }));
    rows.push(row('estimate', { max_occupancy: Math.ceil(m.maxEstimate), dwell_sum: m.estimateSum, visits: m.frames }));
  }
  if (m.joined || m.served || m.abandoned) rows.push(row('flow', { entries: m.joined, crossings_in: m.served, crossings_out: m.abandoned, dwell_sum: m.waitSum, visits: m.served, max_occupancy: Math.ceil(m.maxWait) }));
  return rows;
}

interface Sums {
  joined: number;
  served: number;
  abandoned: number;
  waitSum: number;
  maxWait: number;
  lengthSum: number;
  frames: number;
  maxLength: number;
  estimateSum: number;
  maxEstimate: number;
}

const zero = (): Sums => ({ joined: 0, served: 0, abandoned: 0, waitSum: 0, maxWait: 0, lengthSum: 0, frames: 0, maxLength: 0, estimateSum: 0, maxEstimate: 0 });

function add(s: Sums, r: MinuteRow): void {
  if (r.class_name === 'length') {
    s.lengthSum += r.dwell_sum;
    s.frames += r.visits;
    s.maxLength = Math.max(s.maxLength, r.max_occupancy);
  } else if (r.class_name === 'estimate') {
    s.estimateSum += r.dwell_sum;
    s.maxEstimate = Math.max(s.maxEstimate, r.max_occupancy);
  } else if (r.class_name === 'flow') {
    s.joined += r.entries;
    s.served += r.crossings_in;
    s.abandoned += r.crossings_out;
    s.waitSum += r.dwell_sum;
    s.maxWait = Math.max(s.maxWait, r.max_occupancy);
  }
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** A queue's figures over a range or an interval. */
export interface QueueFigures {
  joined: number;
  served: number;
  abandoned: number;
  mean_wait_seconds: number | null;
  max_wait_seconds: number;
  mean_length: number;
  max_length: number;
  mean_estimated_wait_seconds: number;
  max_estimated_wait_seconds: number;
}

/** `analytics.queues` of a report (`name`: the zone's display name, absent from reports stored before). */
export interface QueuesSection {
  interval_seconds: number;
  queues: Array<{ camera: string; zone: string; name?: string; intervals: Array<{ start: number } & QueueFigures> } & QueueFigures>;
}

function figures(s: Sums): QueueFigures {
  return {
    joined: s.joined,
    served: s.served,
    abandoned: s.abandoned,
    mean_wait_seconds: s.served ? r2(s.waitSum / s.served) : null,
    max_wait_seconds: s.maxWait,
    mean_length: s.frames ? r2(s.lengthSum / s.frames) : 0,
    max_length: s.maxLength,
    mean_estimated_wait_seconds: s.frames ? r2(s.estimateSum / s.frames) : 0,
    max_estimated_wait_seconds: s.maxEstimate,
  };
}

/**
 * `analytics.queues`: per camera and queue zone, the range's totals and a series of intervals (a
 * minute for a range of up to 3 h of rows, 15 minutes up to 2 days, else an hour), each with its
 * joined, served, abandoned, mean/longest wait and mean/longest length.
 */
export function queuesReport(rows: MinuteRow[], ctx?: ReportContext): QueuesSection | undefined {
  if (!rows.length) return undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    lo = Math.min(lo, r.minute);
    hi = Math.max(hi, r.minute);
  }
  const span = hi - lo + 1;
  const step = span <= 180 ? 1 : span <= 2880 ? 15 : 60;
  const byQueue = new Map<string, { camera: string; zone: string; total: Sums; intervals: Map<number, Sums> }>();
  for (const r of rows) {
    const k = `${r.camera_id}|${r.target}`;
    let q = byQueue.get(k);
    if (!q) byQueue.set(k, (q = { camera: r.camera_id, zone: r.target, total: zero(), intervals: new Map() }));
    add(q.total, r);
    const start = Math.floor(r.minute / step) * step;
    let s = q.intervals.get(start);
    if (!s) q.intervals.set(start, (s = zero()));
    add(s, r);
  }
  return {
    interval_seconds: step * 60,
    queues: [...byQueue.values()].map((q) => ({
      camera: q.camera,
      zone: q.zone,
      name: ctx?.zoneName(q.camera, q.zone) ?? q.zone,
      ...figures(q.total),
      intervals: [...q.intervals.entries()].sort((a, b) => a[0] - b[0]).map(([start, s]) => ({ start: start * 60, ...figures(s) })),
    })),
  };
}
