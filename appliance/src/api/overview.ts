import { Hono } from 'hono';
import { localMinutes } from '../alerts/rules.js';
import { access, type ApiEnv } from './access.js';
import type { ApiDeps } from './types.js';

/** Events one camera's figures read at most (a busier day is reported as at least this many). */
const MAX_EVENTS_READ = 20_000;
const PAGE = 1000;

/** Per camera, the figures of the first screen after sign-in. */
export interface OverviewCamera {
  id: string;
  name: string;
  status: string;
  fps: number;
  last_frame_at: string | null;
  /** Line crossings since local midnight (the site's time zone), per direction. */
  today: { in: number; out: number };
  /** Objects in the camera's zones now, summed over zones and classes. */
  occupancy_now: number;
  /** Zone and line events in the last hour. */
  events_last_hour: number;
  /** The figures hit MAX_EVENTS_READ: at least these. */
  capped: boolean;
}

/**
 * GET /api/v1/overview — "how is my site doing right now": per camera today's in/out, occupancy now,
 * events in the last hour and its health, from the events table and the live occupancy.
 */
export function overviewRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>().get('/', access('events:read'), async (c) => {
    const now = deps.clock.now();
    const tz = deps.settings.get().timezone;
    // Local midnight: now minus the minutes since it (whole seconds).
    const midnight = Math.floor(now / 1000) - localMinutes(now, tz) * 60 - new Date(now).getUTCSeconds();
    const hourAgo = now - 3_600_000;
    const cameras: OverviewCamera[] = [];
    for (const v of deps.cameras()) {
      const today = { in: 0, out: 0 };
      let lastHour = 0;
      let read = 0;
      let cursor: number | undefined;
      for (;;) {
        const page = await deps.events({ camera: v.id, from: midnight, to: Math.ceil(now / 1000) + 1, limit: PAGE, ...(cursor ? { cursor } : {}) });
        for (const e of page) {
          if (e.type === 'line.cross') today[e.direction === 'out' ? 'out' : 'in']++;
          if (Date.parse(e.time) >= hourAgo) lastHour++;
        }
        read += page.length;
        if (page.length < PAGE || read >= MAX_EVENTS_READ) break;
        cursor = page[page.length - 1]!.id;
      }
      // Events of the last hour before midnight (shortly after midnight) are counted too.
      if (hourAgo < midnight * 1000) lastHour += (await deps.events({ camera: v.id, from: Math.floor(hourAgo / 1000), to: midnight, limit: PAGE })).filter((e) => Date.parse(e.time) >= hourAgo).length;
      const occ = deps.occupancy(v.id);
      const occupancy = Object.values(occ).reduce((a, byClass) => a + Object.values(byClass).reduce((x, y) => x + y, 0), 0);
      cameras.push({ id: v.id, name: v.name, status: v.status, fps: v.fps, last_frame_at: v.lastFrameAt, today, occupancy_now: occupancy, events_last_hour: lastHour, capped: read >= MAX_EVENTS_READ });
    }
    return c.json({ time: new Date(now).toISOString(), timezone: tz, cameras });
  });
}
