import { describe, expect, it } from 'vitest';
import { CameraAnalytics } from '../analytics/camera-analytics.js';
import { HeatmapAccumulator } from '../analytics/heatmap.js';
import { validateConfig } from '../config/loader.js';
import type { TrackSnapshot } from '../track/types.js';
import { AlertEngine, type Firing } from './alert-engine.js';
import { alertMessage } from './messages.js';
import { ruleBodySchema, type AlertRule } from './rules.js';

const W = 640;
const H = 480;
const CLASSES = ['person', 'car'];

/**
 * The queue, capacity and speeding rules fire through the alert engine from the real engines' live
 * figures: a camera's analytics (zones, queues, occupancy, speed) fed synthetic tracks, 10 frames a
 * second, the engine ticking every second of the same clock.
 */
describe('alert rules on queues, capacity and speed', () => {
  const cam = validateConfig({
    cameras: [
      {
        id: 'gate',
        source: 'x',
        zones: [{ id: 'q', points: [[0, 0.3], [0.5, 0.3], [0.5, 0.9], [0, 0.9]], queue: true, service_line: 'desk', capacity: 2 }],
        lines: [{ id: 'desk', points: [[0.5, 0.2], [0.5, 0.95]] }],
        // 40 m across the picture.
        speed: { reference: { points: [[0, 0.5], [1, 0.5]], metres: 40 } },
      },
    ],
  }).cameras[0]!;
  const rules = [
    { name: 'long queue', type: 'queue_length', zone: 'q', above: 2, for_seconds: 5, cooldown_seconds: 0 },
    { name: 'slow queue', type: 'queue_wait', zone: 'q', above_seconds: 10, cooldown_seconds: 0 },
    { name: 'full', type: 'capacity', zone: 'q', above_percent: 100, cooldown_seconds: 0 },
    { name: 'speeding', type: 'speeding', class: 'car', above_mps: 4, cooldown_seconds: 0 },
  ].map((r, i) => ({ ...ruleBodySchema.parse(r), id: `r${i}`, created_at: '', updated_at: '' }) as AlertRule);

  it('fire when the queue is long, the wait is long, the zone is over capacity and a car speeds', () => {
    const ca = new CameraAnalytics('gate', cam, 3, new HeatmapAccumulator({ width: 8, height: 8 }), (id) => CLASSES[id] ?? '?');
    const world = { now: 0 };
    const engine = new AlertEngine({ cameras: () => [{ id: 'gate', name: 'Gate', status: 'online' }], occupancy: (id) => (id === 'gate' ? ca.occupancy() : {}), analytics: () => ca.live(), now: () => world.now, timezone: () => 'UTC' });
    engine.setRules(rules);
    const fired: Array<{ at: number; f: Firing }> = [];
    const box = (x: number, y: number) => ({ x1: x * W - 15, y1: y * H - 80, x2: x * W + 15, y2: y * H });
    const snap = (id: number, classId: number, x: number, y: number, t: number): TrackSnapshot => ({ id, classId, box: box(x, y), score: 0.9, state: 'tracked', firstSeen: 0, lastSeen: t, hits: 1 });
    const T0 = 1_000;
    for (let i = 0; i <= 300; i++) {
      const t = T0 + i / 10;
      world.now = t * 1000;
      // Three people stand in the queue; a car drives across the right half at 5 m/s from t = 20 s.
      const tracks = [snap(1, 0, 0.1, 0.6, t), snap(2, 0, 0.2, 0.6, t), snap(3, 0, 0.3, 0.6, t)];
      if (t >= T0 + 20 && t <= T0 + 25) tracks.push(snap(9, 1, 0.52 + ((t - T0 - 20) * 5) / 40, 0.5, t));
      ca.onFrame(tracks, t, W, H);
      if (i % 10 === 0) for (const f of engine.tick()) fired.push({ at: t - T0, f });
    }
    const when = (name: string) => fired.filter((x) => x.f.rule.name === name);
    // Capacity 2, three inside (after the 3-frame hysteresis): 150%.
    expect(when('full').map((x) => x.f.details)).toEqual([expect.objectContaining({ zone: 'q', count: 3, percent: 150 })]);
    expect(when('full')[0]!.at).toBeLessThanOrEqual(1);
    // Length 3 > 2 held for 5 s.
    expect(when('long queue')).toHaveLength(1);
    expect(when('long queue')[0]!.at).toBeGreaterThanOrEqual(5);
    expect(when('long queue')[0]!.at).toBeLessThanOrEqual(7);
    // Nobody served: the estimate is the longest wait so far, past 10 s after about 10 s.
    expect(when('slow queue')).toHaveLength(1);
    expect(when('slow queue')[0]!.at).toBeGreaterThan(10);
    expect(when('slow queue')[0]!.at).toBeLessThanOrEqual(12);
    // The car, once, at about 5 m/s.
    const speeding = when('speeding');
    expect(speeding).toHaveLength(1);
    expect(speeding[0]!.f.details).toMatchObject({ className: 'car', trackId: 9 });
    expect(Math.abs(speeding[0]!.f.details.speed! - 5) / 5).toBeLessThan(0.05);
    for (const x of fired) for (const lang of ['en', 'ru'] as const) expect(alertMessage(x.f.rule, x.f.details, lang, 'Shop')).toMatch(/Gate/);
    expect(alertMessage(speeding[0]!.f.rule, speeding[0]!.f.details, 'en', '')).toContain('m/s (limit 4 m/s)');
  });

  it("an area's capacity rule fires once, on the first camera that reports the area", () => {
    const area = (occupancy: number) => ({ occupancy: { areas: { shop: { name: 'Shop', occupancy, capacity: 10, percent: occupancy * 10 } } } });
    const figures: Record<string, ReturnType<typeof area>> = { door: area(9), floor: area(9) };
    const world = { now: 0 };
    const cams = [{ id: 'door', name: 'Door', status: 'online' }, { id: 'floor', name: 'Floor', status: 'online' }];
    const engine = new AlertEngine({ cameras: () => cams, occupancy: () => ({}), analytics: (id) => figures[id] ?? {}, now: () => world.now, timezone: () => 'UTC' });
    engine.setRules([{ ...ruleBodySchema.parse({ name: 'shop full', type: 'capacity', area: 'shop', above_percent: 80, for_seconds: 30, cooldown_seconds: 0 }), id: 'a', created_at: '', updated_at: '' } as AlertRule]);
    expect(engine.tick()).toEqual([]);
    world.now += 30_000;
    const fired = engine.tick();
    expect(fired.map((f) => f.details)).toEqual([expect.objectContaining({ camera: 'door', area: 'shop', count: 9, percent: 90, seconds: 30 })]);
    expect(alertMessage(fired[0]!.rule, fired[0]!.details, 'en', '')).toContain('area "shop" is at 90% of capacity (9), limit 80%');
    world.now += 30_000;
    expect(engine.tick()).toEqual([]); // the same episode
  });

  it('validates the new rules and names the field', () => {
    const bad = (body: Record<string, unknown>) => ruleBodySchema.safeParse(body).error?.issues.map((i) => i.path.join('.'));
    expect(bad({ name: 'x', type: 'capacity', above_percent: 90 })).toEqual(['zone']);
    expect(bad({ name: 'x', type: 'capacity', zone: 'a', area: 'b', above_percent: 90 })).toEqual(['zone']);
    expect(bad({ name: 'x', type: 'speeding', above_mps: 0 })).toEqual(['above_mps']);
    expect(bad({ name: 'x', type: 'queue_wait', zone: 'q', above_seconds: -1 })).toEqual(['above_seconds']);
    expect(bad({ name: 'x', type: 'queue_length', zone: 'q', above: 1.5 })).toEqual(['above']);
    expect(bad({ name: 'x', type: 'capacity', area: 'shop', above_percent: 90 })).toBeUndefined();
  });
});
