import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
/** A daily window in local time; `from` after `to` spans midnight (22:00–06:00). */
export const hoursSchema = z.strictObject({ from: hhmm, to: hhmm });
export type Hours = z.infer<typeof hoursSchema>;

/** Names of the alert channels (alerts/channels/): a rule lists the ones it goes out on; the outbox routes by the same name. */
export const ALERT_CHANNELS = ['telegram', 'mqtt'] as const;
export type AlertChannelName = (typeof ALERT_CHANNELS)[number];

const common = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
  /** Only this camera; every camera when absent (camera_offline) or every camera with the zone/line. */
  camera: z.string().min(1).optional(),
  /** After firing, the rule stays silent this long (per camera). */
  cooldown_seconds: z.number().int().min(0).max(7 * 86_400).default(300),
  /** No Telegram messages in this window (still recorded and published over MQTT). */
  quiet_hours: hoursSchema.optional(),
  channels: z.array(z.enum(ALERT_CHANNELS)).min(1).default([...ALERT_CHANNELS]),
};
const cls = z.string().min(1).max(64).optional();

export const ruleBodySchema = z.discriminatedUnion('type', [
  /** Zone occupancy above `above` for `for_seconds`. */
  z.strictObject({ ...common, type: z.literal('occupancy'), zone: z.string().min(1), class: cls, above: z.number().int().min(0), for_seconds: z.number().min(0).max(86_400).default(0) }),
  /** One object in the zone for more than `over_seconds`. */
  z.strictObject({ ...common, type: z.literal('loitering'), zone: z.string().min(1), class: cls, over_seconds: z.number().positive().max(86_400) }),
  /** More than `over` crossings of a line within `window_seconds`. */
  z.strictObject({ ...common, type: z.literal('line_count'), line: z.string().min(1), class: cls, direction: z.enum(['in', 'out']).optional(), over: z.number().int().min(0), window_seconds: z.number().positive().max(86_400) }),
  /** A class entering a zone during the `during` hours (e.g. a person in the yard at night). */
  z.strictObject({ ...common, type: z.literal('presence'), zone: z.string().min(1), class: z.string().min(1).max(64), during: hoursSchema }),
  /** A camera offline (or stalled) for more than `over_seconds`. */
  z.strictObject({ ...common, type: z.literal('camera_offline'), over_seconds: z.number().positive().max(86_400) }),
  // Queues, capacity and speed (issue 18); they read the engines' live figures (analytics/engines/).
  /** More than `above` waiting in a queue zone for `for_seconds`. */
  z.strictObject({ ...common, type: z.literal('queue_length'), zone: z.string().min(1), above: z.number().int().min(0).max(100_000), for_seconds: z.number().min(0).max(86_400).default(0) }),
  /** A queue's estimated wait above `above_seconds` for `for_seconds`. */
  z.strictObject({ ...common, type: z.literal('queue_wait'), zone: z.string().min(1), above_seconds: z.number().positive().max(86_400), for_seconds: z.number().min(0).max(86_400).default(0) }),
  /** A zone's or an area's occupancy above `above_percent` of its capacity for `for_seconds`. */
  z
    .strictObject({ ...common, type: z.literal('capacity'), zone: z.string().min(1).optional(), area: z.string().min(1).optional(), above_percent: z.number().min(0).max(1000), for_seconds: z.number().min(0).max(86_400).default(0) })
    .refine((r) => (r.zone === undefined) !== (r.area === undefined), { message: 'give either zone or area', path: ['zone'] }),
  /** An object faster than `above_mps` metres a second (in the zone, or anywhere in the view); the camera needs a speed calibration. */
  z.strictObject({ ...common, type: z.literal('speeding'), zone: z.string().min(1).optional(), class: cls, above_mps: z.number().positive().max(200) }),
]);
export type RuleBody = z.infer<typeof ruleBodySchema>;
export type AlertRule = RuleBody & { id: string; created_at: string; updated_at: string };

/** Minutes since local midnight in a time zone ('' = the box's own). */
export function localMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Whether local time `ms` falls in the daily window (which may span midnight). */
export function withinHours(ms: number, h: Hours, timeZone: string): boolean {
  const m = localMinutes(ms, timeZone);
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  const from = toMin(h.from);
  const to = toMin(h.to);
  if (from === to) return true;
  return from < to ? m >= from && m < to : m >= from || m < to;
}
