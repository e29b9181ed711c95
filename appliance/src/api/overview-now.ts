/**
 * Now vs. capacity and queues now, for the home page (issue 18): read from a camera's engines' live
 * figures (analytics/engines/occupancy.ts and queues.ts) and named as people read them.
 */
import type { AreaLive } from '../analytics/area-occupancy.js';
import type { QueueLive } from '../analytics/queue-monitor.js';
import type { CapacityNow, QueueNow } from './overview-schema.js';

interface LiveFigures {
  occupancy?: { areas?: Record<string, AreaLive>; zones?: Record<string, { occupancy: number; capacity: number; percent: number }> };
  queues?: Record<string, QueueLive>;
}

export interface NowFigures {
  /** The camera's zones with a capacity. */
  zones: CapacityNow[];
  /** Areas the camera counts or watches that have a capacity (an area can span cameras). */
  areas: CapacityNow[];
  queues: QueueNow[];
}

/** `live`: ApiDeps.analyticsLive(camera); `zoneName`: a zone id → its display name. */
export function nowFigures(live: Record<string, unknown>, zoneName: (id: string) => string): NowFigures {
  const f = live as LiveFigures;
  const zones = Object.entries(f.occupancy?.zones ?? {}).map(([id, g]) => ({ id, name: zoneName(id), occupancy: g.occupancy, capacity: g.capacity, percent: g.percent }));
  const areas: CapacityNow[] = [];
  for (const [id, a] of Object.entries(f.occupancy?.areas ?? {})) {
    if (a.capacity !== null && a.percent !== null) areas.push({ id, name: a.name, occupancy: a.occupancy, capacity: a.capacity, percent: a.percent });
  }
  const queues = Object.entries(f.queues ?? {}).map(([id, q]) => ({ id, name: zoneName(id), length: q.length, estimated_wait_seconds: q.estimated_wait_seconds }));
  return { zones, areas, queues };
}
