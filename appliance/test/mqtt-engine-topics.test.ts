import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { AreaLive } from '../src/analytics/area-occupancy.js';
import type { SpeedLive } from '../src/analytics/engines/speed.js';
import type { QueueLive } from '../src/analytics/queue-monitor.js';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { EventBus } from '../src/events.js';
import { silentLogger } from '../src/logger.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { Outbox } from '../src/store/outbox.js';
import { SyncService } from '../src/sync/sync-service.js';
import { api, freePort, tempDir, waitFor } from './helpers.js';
import { startBroker, type TestBroker } from './mqtt-broker.js';
import { STADTMITTE_OPERATOR_CAMERA, WALKWAY_AREA } from './stadtmitte-operator.js';

/**
 * Issue 18: the engines' live figures on retained MQTT state topics, through the real outbox (an
 * SQLite file) to a real broker (aedes, in-process): the bytes a subscriber gets, retained for a late
 * subscriber, throttled to one message per topic per `mqtt.analytics_seconds` while the figures keep
 * changing, and cleared (an empty retained message) when a queue goes away.
 */
describe('live queue, capacity, area and speed figures on MQTT', () => {
  let broker: TestBroker | undefined;
  let sync: SyncService | undefined;
  let store: ReturnType<typeof openDatabase> | undefined;
  afterAll(async () => {
    await sync?.stop();
    await broker?.close();
    await store?.close();
  });

  it('publishes them retained, on change, at most once per interval per topic, and clears a removed queue', async () => {
    const port = await freePort();
    broker = await startBroker(port);
    store = openDatabase(join(tempDir(), 'm.db'));
    await migrateToLatest(store.db);
    const cfg = validateConfig({ site: { name: 'shop', device: 'box1' }, mqtt: { url: `mqtt://127.0.0.1:${port}`, analytics_seconds: 3 }, cameras: [{ id: 'door', source: '/dev/null' }] });
    // The figures the engines give, changed by the test: the queue grows by one every 250 ms.
    let length = 0;
    let queueThere = true;
    const live = () => {
      const queue: QueueLive = { length, estimated_wait_seconds: 12.5, recent_wait_seconds: 40, served_per_minute: 1.5, served: 7, abandoned: 1 };
      const area: AreaLive = { name: 'Shop floor', occupancy: 9, capacity: 20, percent: 45, seen_inside: 3, day: '2026-12-02', entries: 30, exits: 21, added: 1, removed: 0, previous: null };
      const car: SpeedLive = { mps: 0, track: -1, samples: 12, p50_mps: 4.2, p85_mps: 6.8, p95_mps: 7.5, max_mps: 8.1 };
      return {
        ...(queueThere ? { queues: { tills: queue } } : {}),
        occupancy: { areas: { shop: area }, zones: { tills: { occupancy: 4, capacity: 8, percent: 50 } } },
        speed: { '*': { car } },
      };
    };
    const grow = setInterval(() => length++, 250);
    sync = new SyncService(
      cfg,
      new Outbox(store.raw),
      new EventBus(),
      {
        cameras: () => [{ id: 'door', name: 'Door', status: 'online', lastError: null, activeTracks: 0 }],
        occupancy: () => ({}),
        analytics: () => live(),
        system: async () => ({}),
        snapshot: async () => undefined,
        reportNow: async () => ({}),
      },
      silentLogger(),
      { now: () => Date.now(), monotonic: () => performance.now() },
    );
    const t0 = Date.now();
    sync.start();
    const P = 'vantage/shop/box1';
    const got = (suffix: string) => broker!.received.filter((m) => m.topic === `${P}/${suffix}`);
    await waitFor('the four state topics', () => ['cameras/door/queues/tills', 'cameras/door/capacity/tills', 'areas/shop/occupancy', 'cameras/door/speed/*'].every((s) => got(s).length > 0) || undefined, 10_000);
    // Bytes on the wire: ids, the figures, a time; retained.
    const body = (suffix: string) => JSON.parse(got(suffix).at(-1)!.payload) as Record<string, unknown>;
    expect(got('areas/shop/occupancy').every((m) => m.retain)).toBe(true);
    expect(body('cameras/door/capacity/tills')).toMatchObject({ camera: 'door', zone: 'tills', occupancy: 4, capacity: 8, percent: 50, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(body('areas/shop/occupancy')).toMatchObject({ area: 'shop', name: 'Shop floor', occupancy: 9, capacity: 20, percent: 45, seen_inside: 3, day: '2026-12-02', entries: 30, exits: 21, added: 1, removed: 0 });
    expect(body('cameras/door/speed/*')).toMatchObject({ camera: 'door', zone: '*', window_seconds: 60, classes: { car: { samples: 12, p50_mps: 4.2, p85_mps: 6.8, p95_mps: 7.5, max_mps: 8.1 } } });
    expect(body('cameras/door/queues/tills')).toMatchObject({ camera: 'door', zone: 'tills', estimated_wait_seconds: 12.5, recent_wait_seconds: 40, served_per_minute: 1.5, served: 7, abandoned: 1, length: expect.any(Number) });

    // Throttled: the queue changes 4 times a second, its topic goes out at most once per 3 s; the
    // unchanging area once.
    await new Promise((r) => setTimeout(r, 7000));
    const elapsed = (Date.now() - t0) / 1000;
    const queueMsgs = got('cameras/door/queues/tills');
    expect(queueMsgs.length).toBeGreaterThanOrEqual(2);
    expect(queueMsgs.length).toBeLessThanOrEqual(Math.floor(elapsed / 3) + 1);
    const lengths = queueMsgs.map((m) => (JSON.parse(m.payload) as { length: number }).length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect(new Set(lengths).size).toBe(lengths.length);
    expect(got('areas/shop/occupancy')).toHaveLength(1);
    expect(got('cameras/door/capacity/tills')).toHaveLength(1);

    // A late subscriber gets the retained state at once.
    const retainedNow = async () => {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
      const retained = new Map<string, string>();
      client.on('message', (topic, payload, packet) => {
        if (packet.retain) retained.set(topic, payload.toString());
      });
      await client.subscribeAsync(`${P}/#`);
      await waitFor('retained area', () => retained.get(`${P}/areas/shop/occupancy`), 5000);
      await client.endAsync();
      return retained;
    };
    const retained = await retainedNow();
    expect(JSON.parse(retained.get(`${P}/areas/shop/occupancy`)!)).toMatchObject({ occupancy: 9, capacity: 20, percent: 45 });
    expect(retained.has(`${P}/cameras/door/queues/tills`)).toBe(true);

    // The queue zone goes away: its topic is cleared (an empty retained message), the others stay.
    queueThere = false;
    clearInterval(grow);
    await waitFor('queue topic cleared', () => got('cameras/door/queues/tills').find((m) => m.payload === '' && m.retain), 5000);
    const left = await retainedNow();
    expect(left.has(`${P}/cameras/door/queues/tills`)).toBe(false);
    expect(left.has(`${P}/cameras/door/speed/*`)).toBe(true);
  }, 40_000);
});

/**
 * The same topics from the running daemon on real video (TUD-Stadtmitte through ffmpeg, the detector
 * and the tracker; a queue zone with a capacity, an area, a speed calibration), as the live figures of
 * GET /api/v1/cameras/{id}/occupancy give them.
 */
describe('engine topics from the daemon', () => {
  let app: Appliance | undefined;
  let broker: TestBroker | undefined;
  afterAll(async () => {
    await app?.stop();
    await broker?.close();
  });

  it('publishes the queue, capacity, area and speed of real video', { timeout: 120_000 }, async () => {
    const port = await freePort();
    broker = await startBroker(port);
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        site: { name: 'square', device: 'cam1' },
        storage: { path: join(tempDir(), 'v.db') },
        mqtt: { url: `mqtt://127.0.0.1:${port}`, analytics_seconds: 1 },
        analytics: { hourly_reports: false, daily_reports: false, occupancy: { areas: [{ ...WALKWAY_AREA, name: 'Walkway' }] } },
        detector: { classes: ['person'] },
        cameras: [STADTMITTE_OPERATOR_CAMERA],
      }),
      silentLogger(),
    );
    await app.start();
    const base = `http://127.0.0.1:${app.address!.port}`;
    const P = 'vantage/square/cam1';
    const last = (suffix: string) => broker!.received.filter((m) => m.topic === `${P}/${suffix}` && m.payload !== '').at(-1);
    const body = (suffix: string) => JSON.parse(last(suffix)!.payload) as Record<string, unknown>;
    await waitFor('the engine topics', () => ['cameras/stadtmitte/queues/queue', 'cameras/stadtmitte/capacity/queue', 'areas/walkway/occupancy', 'cameras/stadtmitte/speed/*'].every((x) => last(x)) || undefined, 90_000, 500);
    for (const x of ['cameras/stadtmitte/queues/queue', 'areas/walkway/occupancy', 'cameras/stadtmitte/speed/*']) expect(last(x)!.retain).toBe(true);
    expect(body('cameras/stadtmitte/capacity/queue')).toMatchObject({ camera: 'stadtmitte', zone: 'queue', capacity: 1, occupancy: expect.any(Number), percent: expect.any(Number) });
    const cap = body('cameras/stadtmitte/capacity/queue') as { occupancy: number; percent: number };
    expect(cap.percent).toBe(cap.occupancy * 100);
    expect(body('areas/walkway/occupancy')).toMatchObject({ area: 'walkway', name: 'Walkway', capacity: 5, day: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
    expect(body('cameras/stadtmitte/queues/queue')).toMatchObject({ camera: 'stadtmitte', zone: 'queue', length: expect.any(Number), estimated_wait_seconds: expect.any(Number), served: expect.any(Number), abandoned: expect.any(Number) });
    // Speeds: people walking, p50 ≤ p85 ≤ p95 ≤ max, under a running pace.
    const person = (body('cameras/stadtmitte/speed/*') as { classes: Record<string, { samples: number; p50_mps: number; p85_mps: number; p95_mps: number; max_mps: number }> }).classes.person!;
    expect(person.samples).toBeGreaterThan(0);
    expect(person.p50_mps).toBeLessThanOrEqual(person.p85_mps);
    expect(person.p85_mps).toBeLessThanOrEqual(person.p95_mps);
    expect(person.p95_mps).toBeLessThanOrEqual(person.max_mps);
    expect(person.p50_mps).toBeLessThan(4);
    // The same area as the API's live figures (its capacity and name; the count moves with the video).
    const occ = (await (await api(`${base}/api/v1/cameras/stadtmitte/occupancy`)).json()) as { analytics: { occupancy: { areas: Record<string, { name: string; capacity: number }> } } };
    expect(occ.analytics.occupancy.areas.walkway).toMatchObject({ name: 'Walkway', capacity: 5 });
  });
});
