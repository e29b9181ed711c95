/**
 * The analytic engines' live figures as retained MQTT state topics (issue 18), under the site prefix:
 *
 * - `cameras/<camera>/queues/<zone>`: a queue's `length`, `estimated_wait_seconds`,
 *   `recent_wait_seconds`, `served_per_minute`, `served`, `abandoned`;
 * - `cameras/<camera>/capacity/<zone>`: a zone with a capacity: `occupancy`, `capacity`, `percent`;
 * - `areas/<area>/occupancy`: an area (it spans cameras, so it is the site's): `name`, `occupancy`,
 *   `capacity`, `percent`, `seen_inside`, the day's `day`, `entries`, `exits`, `added`, `removed`;
 * - `cameras/<camera>/speed/<zone>` (`*` = the whole view): per class the last minute's `samples`,
 *   `p50_mps`, `p85_mps`, `p95_mps`, `max_mps`.
 *
 * Each carries its ids and a `time`. THROTTLED: a topic is published when its figures changed, at
 * most once per `minIntervalMs`; a topic whose queue, zone or area is gone gets an empty retained
 * message (which clears it at the broker).
 */

/** What a camera's engines put on the live `counts` topic (analytics/engines/). */
interface EngineLive {
  queues?: Record<string, Record<string, unknown>>;
  occupancy?: { areas?: Record<string, Record<string, unknown>>; zones?: Record<string, Record<string, unknown>> };
  speed?: Record<string, Record<string, { samples: number; p50_mps: number; p85_mps: number; p95_mps: number; max_mps: number }>>;
}

const AREA_FIELDS = ['name', 'occupancy', 'capacity', 'percent', 'seen_inside', 'day', 'entries', 'exits', 'added', 'removed'] as const;

/** Topic suffix → figures (without `time`) of every camera's engines now; areas once, whichever camera reports them. */
export function engineTopics(cameras: ReadonlyArray<{ id: string; live: unknown }>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const c of cameras) {
    const live = (c.live ?? {}) as EngineLive;
    for (const [zone, q] of Object.entries(live.queues ?? {})) out.set(`cameras/${c.id}/queues/${zone}`, { camera: c.id, zone, ...q });
    for (const [zone, g] of Object.entries(live.occupancy?.zones ?? {})) out.set(`cameras/${c.id}/capacity/${zone}`, { camera: c.id, zone, ...g });
    for (const [area, a] of Object.entries(live.occupancy?.areas ?? {})) {
      if (!out.has(`areas/${area}/occupancy`)) out.set(`areas/${area}/occupancy`, { area, ...Object.fromEntries(AREA_FIELDS.map((k) => [k, a[k] ?? null])) });
    }
    for (const [zone, byClass] of Object.entries(live.speed ?? {})) {
      const classes = Object.fromEntries(Object.entries(byClass).map(([cls, s]) => [cls, { samples: s.samples, p50_mps: s.p50_mps, p85_mps: s.p85_mps, p95_mps: s.p95_mps, max_mps: s.max_mps }]));
      out.set(`cameras/${c.id}/speed/${zone}`, { camera: c.id, zone, window_seconds: 60, classes });
    }
  }
  return out;
}

/** Decides what to publish now: changed figures (at most once per interval per topic) and clears. */
export class EngineTopicThrottle {
  private readonly last = new Map<string, { json: string; at: number }>();

  constructor(private readonly minIntervalMs: number) {}

  /** The messages due at `now` for the current figures: [suffix, figures] to publish, and suffixes to clear. */
  due(now: number, current: Map<string, Record<string, unknown>>): { publish: Array<[string, Record<string, unknown>]>; clear: string[] } {
    const publish: Array<[string, Record<string, unknown>]> = [];
    for (const [topic, figures] of current) {
      const json = JSON.stringify(figures);
      const prev = this.last.get(topic);
      // Unchanged, or changed within the interval (published at a later call, if still changed then).
      if (prev && (prev.json === json || now - prev.at < this.minIntervalMs)) continue;
      this.last.set(topic, { json, at: now });
      publish.push([topic, figures]);
    }
    const clear = [...this.last.keys()].filter((t) => !current.has(t));
    for (const t of clear) this.last.delete(t);
    return { publish, clear };
  }
}
