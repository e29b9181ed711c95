import { Hono } from 'hono';
import type { Counts } from '../analytics/comparisons.js';
import { addDays, resolvedTimeZone, startOfDay } from '../util/time-zone.js';
import { access, type ApiEnv } from './access.js';
import type { ApiDeps } from './types.js';

/** What the overview reads besides the camera list, occupancy, settings and clock. */
export interface OverviewDeps {
  /** A camera's zone and line totals over [from, to) unix seconds. */
  cameraCounts(camera: string, from: number, to: number): Promise<Counts>;
  /** Events a camera stored in [fromMs, toMs). */
  eventCount(camera: string, fromMs: number, toMs: number): Promise<number>;
}

const inOut = (c: Counts) => ({ in: c.crossings_in, out: c.crossings_out, entries: c.entries, exits: c.exits, arrivals: c.arrivals });

/**
 * GET /overview: what a home page shows, per camera in one answer: today's counts (local day in the
 * site's time zone, up to now), the same span a week before (the same local times), occupancy now,
 * events stored in the last hour, and the camera's status.
 */
export function overviewRoutes(deps: Pick<ApiDeps, 'cameras' | 'occupancy' | 'settings' | 'clock'> & OverviewDeps) {
  return new Hono<ApiEnv>().get('/', access('reports:read'), async (c) => {
    const tz = resolvedTimeZone(deps.settings.get().timezone);
    const now = deps.clock.now();
    const dayStart = startOfDay(now, tz);
    const weekAgo = { from: addDays(dayStart, -7, tz), to: addDays(now, -7, tz) };
    const cameras = await Promise.all(
      deps.cameras().map(async (v) => {
        const zones = deps.occupancy(v.id);
        const byZone = Object.fromEntries(Object.entries(zones).map(([z, byClass]) => [z, Object.values(byClass).reduce((a, b) => a + b, 0)]));
        return {
          id: v.id,
          name: v.name,
          health: { status: v.status, last_error: v.lastError },
          today: inOut(await deps.cameraCounts(v.id, Math.floor(dayStart / 1000), Math.ceil(now / 1000))),
          same_time_last_week: inOut(await deps.cameraCounts(v.id, Math.floor(weekAgo.from / 1000), Math.ceil(weekAgo.to / 1000))),
          occupancy_now: { total: Object.values(byZone).reduce((a, b) => a + b, 0), zones: byZone },
          events_last_hour: await deps.eventCount(v.id, now - 3_600_000, now + 1),
        };
      }),
    );
    return c.json({
      time: new Date(now).toISOString(),
      time_zone: tz,
      today_from: new Date(dayStart).toISOString(),
      last_week: { from: new Date(weekAgo.from).toISOString(), to: new Date(weekAgo.to).toISOString() },
      cameras,
    });
  });
}
