import { z } from 'zod';
import { isTimeZone } from '../util/time-zone.js';
import { cameraId, point, shapeId } from './ids.js';

/**
 * Operator analytics settings (issue 18), split out of config/schema.ts: a camera's ground calibration
 * for speeds, the occupancy areas with their closing time, the queues' rules, and the scheduled report
 * deliveries; plus the check that the shapes they name exist.
 */

const fourPoints = z.tuple([point, point, point, point]);
/**
 * A camera's ground calibration: four image points (normalised 0–1) and where they lie on the ground
 * in metres (a homography, math/homography.ts), or two image points a known distance apart (a flat,
 * roughly top-down view).
 */
export const speedSchema = z
  .strictObject({
    image_points: fourPoints.optional(),
    ground_points: fourPoints.optional(),
    reference: z.strictObject({ points: z.tuple([point, point]), metres: z.number().positive().max(10_000) }).optional(),
    /** Speeds are measured over this much track time (seconds), so box jitter averages out. */
    window_seconds: z.number().min(0.2).max(10).default(1),
  })
  .superRefine((s, ctx) => {
    const four = s.image_points !== undefined || s.ground_points !== undefined;
    if (four && (!s.image_points || !s.ground_points)) ctx.addIssue({ code: 'custom', path: [s.image_points ? 'ground_points' : 'image_points'], message: 'image_points and ground_points go together (4 points each)' });
    if (four === (s.reference !== undefined)) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'give either image_points + ground_points or reference, not both or neither' });
    if (s.reference && !(Math.hypot(s.reference.points[1][0] - s.reference.points[0][0], s.reference.points[1][1] - s.reference.points[0][1]) > 0)) ctx.addIssue({ code: 'custom', path: ['reference', 'points'], message: 'the two reference points must differ' });
  });

const hhmmLocal = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
/** An area counted by entry/exit lines (in − out), kept honest by what cameras see inside it. */
export const areaSchema = z.strictObject({
  id: shapeId,
  name: z.string().min(1).optional(),
  capacity: z.number().int().min(1).max(1_000_000).optional(),
  /** Lines that count people in and out; `entry` is the line direction that means entering. */
  lines: z.array(z.strictObject({ camera: cameraId, line: shapeId, entry: z.enum(['in', 'out']).default('in') })).min(1).max(32),
  /** Zones that see (part of) the inside: occupancy is never below what they hold together now. */
  inside: z.array(z.strictObject({ camera: cameraId, zone: shapeId })).max(32).default([]),
});
export const occupancySchema = z.strictObject({
  /** Local time when the site is empty: every area resets to what its cameras see inside. */
  closing_time: hhmmLocal.optional(),
  /** IANA time zone of closing_time and of the correction's days ('' = the site's, PUT /api/v1/settings, else the box's). */
  timezone: z
    .string()
    .refine((tz) => tz === '' || isTimeZone(tz), 'must be an IANA time zone such as Europe/Berlin, or ""')
    .default(''),
  areas: z.array(areaSchema).max(64).default([]),
});
export const queuesSchema = z.strictObject({
  /** A visitor who leaves the queue zone and crosses the service line within this many seconds counts as served. */
  grace_seconds: z.number().min(0).max(60).default(2),
  /** The service rate of the wait estimate is measured over this many seconds. */
  rate_window_seconds: z.number().min(30).max(3600).default(300),
});

/** Shapes an area or a queue names must exist (issue 18's references across the config). */
export function checkShapeRefs(cfg: { cameras: ReadonlyArray<{ id: string; zones: ReadonlyArray<{ id: string; queue?: boolean | undefined; service_line?: string | undefined }>; lines: ReadonlyArray<{ id: string }> }>; analytics: { occupancy: z.output<typeof occupancySchema> } }, ctx: z.RefinementCtx): void {
  const cams = new Map(cfg.cameras.map((c) => [c.id, c]));
  cfg.cameras.forEach((c, i) =>
    c.zones.forEach((z, j) => {
      if (z.service_line && !c.lines.some((l) => l.id === z.service_line)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'zones', j, 'service_line'], message: `camera "${c.id}" has no line "${z.service_line}"` });
    }),
  );
  const seen = new Set<string>();
  cfg.analytics.occupancy.areas.forEach((a, i) => {
    const at = ['analytics', 'occupancy', 'areas', i];
    if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: [...at, 'id'], message: `duplicate area id "${a.id}"` });
    seen.add(a.id);
    a.lines.forEach((l, j) => {
      const cam = cams.get(l.camera);
      if (!cam) ctx.addIssue({ code: 'custom', path: [...at, 'lines', j, 'camera'], message: `no camera "${l.camera}"` });
      else if (!cam.lines.some((x) => x.id === l.line)) ctx.addIssue({ code: 'custom', path: [...at, 'lines', j, 'line'], message: `camera "${l.camera}" has no line "${l.line}"` });
    });
    a.inside.forEach((z, j) => {
      const cam = cams.get(z.camera);
      if (!cam) ctx.addIssue({ code: 'custom', path: [...at, 'inside', j, 'camera'], message: `no camera "${z.camera}"` });
      else if (!cam.zones.some((x) => x.id === z.zone)) ctx.addIssue({ code: 'custom', path: [...at, 'inside', j, 'zone'], message: `camera "${z.camera}" has no zone "${z.zone}"` });
    });
  });
}

/** One scheduled report: a period's PDF and/or CSV, sent to Telegram chats and/or published on MQTT. */
export const reportScheduleSchema = z.strictObject({
  /** day: the local day before; week: the ISO week (Monday–Sunday) before; month: the calendar month before. */
  every: z.enum(['day', 'week', 'month']),
  /** Local time (site time zone) it is sent, on the day after the period (week: Monday; month: the 1st). */
  at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)').default('07:00'),
  format: z.array(z.enum(['pdf', 'csv'])).min(1).max(2).default(['pdf', 'csv']),
  channels: z.array(z.enum(['telegram', 'mqtt'])).min(1).max(2).default(['telegram', 'mqtt']),
  /** Telegram chats (default: every connected chat). */
  chats: z.array(z.union([z.number().int(), z.string().regex(/^(-?\d+|@\w{4,})$/)]).transform(String)).min(1).max(32).optional(),
  /** Language of the PDF and the caption (default: the site's, from the run-time settings). */
  language: z.enum(['en', 'ru']).optional(),
  /** Cameras covered (default: all). */
  cameras: z.array(z.string().min(1).max(64)).min(1).max(64).optional(),
});
export type ReportScheduleConfig = z.output<typeof reportScheduleSchema>;

/** Scheduled report delivery (`reports`). */
export const reportsSchema = z.strictObject({ schedules: z.array(reportScheduleSchema).max(16).default([]) });
