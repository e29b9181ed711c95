import { Hono } from 'hono';
import { sumInOut, todayVsLastWeek, todayWindows, windowsIso, type TodayVsLastWeek } from '../analytics/today-vs-last-week.js';
import { resolvedTimeZone } from '../util/time-zone.js';
import { access, type ApiEnv } from './access.js';
import { describeRoute } from './openapi.js';
import { nowFigures } from './overview-now.js';
import { overviewSchema, type CapacityNow, type Overview, type OverviewCamera } from './overview-schema.js';
import type { ApiDeps } from './types.js';

export type { OverviewCamera } from './overview-schema.js';

/** Events one camera's figures read at most (a busier day is reported as at least this many). */
const MAX_EVENTS_READ = 20_000;
const PAGE = 1000;

/**
 * GET /api/v1/overview — "how is my site doing right now": per camera today's in/out, occupancy now,
 * events in the last hour and its health, from the events table and the live occupancy; and (issue 18)
 * per camera and for the site today so far against the same local time last week, now vs. capacity
 * per zone and area that has one, and each queue's length and wait now.
 */
export function overviewRoutes(deps: ApiDeps) {
  const doc = describeRoute({
    tags: ['Dashboard'],
    summary: "The home page's figures: today, the same time last week, now vs. capacity, queues now, camera health",
    response: { status: 200, description: 'the overview', schema: overviewSchema },
  });
  return new Hono<ApiEnv>().get('/', doc, access('events:read'), async (c) => {
    const now = deps.clock.now();
    const tz = resolvedTimeZone(deps.settings.get().timezone);
    const windows = todayWindows(now, tz);
    const areas = new Map<string, CapacityNow>();
    const compares: TodayVsLastWeek[] = [];
    // The local midnight that began today (unix seconds; DST-safe: on a 23- or 25-hour day too).
    const midnight = windows.today[0];
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
      const compare = await todayVsLastWeek((from, to) => crossings(deps, [v.id], from, to), windows);
      compares.push(compare);
      const zones = deps.cameraConfig(v.id)?.zones ?? [];
      const live = nowFigures(deps.analyticsLive?.(v.id) ?? {}, (id) => zones.find((z) => z.id === id)?.name ?? id);
      for (const a of live.areas) areas.set(a.id, a);
      cameras.push({
        id: v.id,
        name: v.name,
        status: v.status,
        fps: v.fps,
        last_frame_at: v.lastFrameAt,
        today,
        occupancy_now: occupancy,
        events_last_hour: lastHour,
        capped: read >= MAX_EVENTS_READ,
        compare,
        capacity: live.zones,
        queues: live.queues,
      });
    }
    const body: Overview = { time: new Date(now).toISOString(), timezone: tz, windows: windowsIso(windows), site: { compare: sumInOut(compares), capacity: [...areas.values()] }, cameras };
    return c.json(body);
  });
}

/** Line crossings in / out from the minute counts (none without a store, as in a bare test app). */
async function crossings(deps: ApiDeps, cameras: string[], from: number, to: number): Promise<{ in: number; out: number }> {
  const c = await deps.minuteCounts?.(cameras, from, to);
  return { in: c?.crossings_in ?? 0, out: c?.crossings_out ?? 0 };
}
