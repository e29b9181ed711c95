/**
 * The answer of GET /api/v1/overview as a zod schema: the OpenAPI document describes it from this, and
 * the dashboard's types are inferred from it (web-ui/src/api/types.ts), so the two cannot drift.
 */
import { z } from 'zod';

const inOut = z.object({ in: z.number().int(), out: z.number().int() });
const change = z.object({ abs: z.number().int(), pct: z.number().nullable().describe('% of last week (one decimal); null when last week was 0') });

/** Issue 18: today so far against the same local time last week (line crossings, from the minute counts). */
export const todayVsLastWeekSchema = z.object({
  today: inOut,
  last_week: inOut,
  change: z.object({ in: change, out: change }),
});

/** A zone or area with a capacity: how full it is now. */
export const capacityNowSchema = z.object({
  id: z.string(),
  name: z.string(),
  occupancy: z.number().int(),
  capacity: z.number().int(),
  percent: z.number().describe('occupancy as % of capacity (one decimal)'),
});

/** A queue zone now: its length and the estimated wait of someone joining. */
export const queueNowSchema = z.object({
  id: z.string(),
  name: z.string(),
  length: z.number().int(),
  estimated_wait_seconds: z.number(),
});

export const overviewCameraSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  fps: z.number(),
  last_frame_at: z.string().nullable(),
  today: inOut.describe("line crossings since local midnight, from the events (at most 20 000 read, see 'capped')"),
  occupancy_now: z.number().int().describe("objects in the camera's zones now, summed over zones and classes"),
  events_last_hour: z.number().int(),
  capped: z.boolean(),
  compare: todayVsLastWeekSchema,
  capacity: z.array(capacityNowSchema).describe('zones of this camera with a capacity'),
  queues: z.array(queueNowSchema),
});

export const overviewSchema = z.object({
  time: z.string(),
  timezone: z.string().describe("the site's time zone (the box's when the settings name none); the local day and last week's window are in it"),
  windows: z.object({ today_from: z.string(), today_to: z.string(), last_week_from: z.string(), last_week_to: z.string() }),
  site: z.object({
    compare: todayVsLastWeekSchema.describe("every camera's figures added up"),
    capacity: z.array(capacityNowSchema).describe('occupancy areas (analytics.occupancy.areas, across cameras) with a capacity'),
  }),
  cameras: z.array(overviewCameraSchema),
});

export type OverviewCamera = z.infer<typeof overviewCameraSchema>;
export type Overview = z.infer<typeof overviewSchema>;
export type CapacityNow = z.infer<typeof capacityNowSchema>;
export type QueueNow = z.infer<typeof queueNowSchema>;
