/**
 * The analytic event types, in one table: how each is stored (the `events` row's target and value
 * columns), its live WebSocket topic and its MQTT topic (under `vantage/<site>/<device>/`). The event
 * shapes themselves are produced by the analytic engines (analytics/zone-engine.ts); a new type is
 * one row here.
 */
export interface EventTypeSpec {
  /** What the `target` column names: the zone or the line (the API shows it as `zone` or `line`). */
  target: 'zone' | 'line';
  /** The event field stored in the `value` column (shown under its API name), or null. */
  value: { field: 'dwellSeconds'; view: 'dwell_seconds' } | { field: 'occupancy'; view: 'occupancy' } | null;
  liveTopic: string;
  mqttTopic: string;
}

const dwell = { field: 'dwellSeconds', view: 'dwell_seconds' } as const;
const occupancy = { field: 'occupancy', view: 'occupancy' } as const;

export const EVENT_TYPES = {
  'zone.enter': { target: 'zone', value: null, liveTopic: 'zone.enter', mqttTopic: 'events' },
  'zone.exit': { target: 'zone', value: dwell, liveTopic: 'zone.exit', mqttTopic: 'events' },
  'zone.loitering': { target: 'zone', value: dwell, liveTopic: 'zone.loitering', mqttTopic: 'events' },
  'zone.crowded': { target: 'zone', value: occupancy, liveTopic: 'zone.crowded', mqttTopic: 'events' },
  'zone.clear': { target: 'zone', value: occupancy, liveTopic: 'zone.clear', mqttTopic: 'events' },
  'line.cross': { target: 'line', value: null, liveTopic: 'line.cross', mqttTopic: 'events' },
} as const satisfies Record<string, EventTypeSpec>;

export type AnalyticEventType = keyof typeof EVENT_TYPES;

/** Every analytic event type name, in table order (e.g. for validating a query). */
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as [AnalyticEventType, ...AnalyticEventType[]];

/** The spec of an analytic event type, or undefined for any other event (track.*, camera.*, alert.*, …). */
export function eventType(type: string): EventTypeSpec | undefined {
  return Object.hasOwn(EVENT_TYPES, type) ? EVENT_TYPES[type as AnalyticEventType] : undefined;
}

/** The type names whose target is a zone (or a line). */
export function typesWithTarget(target: 'zone' | 'line'): AnalyticEventType[] {
  return EVENT_TYPE_NAMES.filter((t) => EVENT_TYPES[t].target === target);
}
