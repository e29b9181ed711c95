import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { api, CAMPUS, tempDir } from './helpers.js';

/** GET /api/v1/overview against minute counts and events stored in a real SQLite file, in Asia/Kolkata (+05:30). */
describe('GET /api/v1/overview', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'v.db');
  const IST = 5.5 * 3_600_000;
  let app: Appliance;
  let base: string;
  const now = Date.now();
  // Kolkata's local midnight today, and the same span a week before (no DST there).
  const dayStart = Math.floor((now + IST) / 86_400_000) * 86_400_000 - IST;
  const want = { today: { in: 0, out: 0, entries: 0 }, week: { in: 0, out: 0, entries: 0 } };

  beforeAll(async () => {
    const store = openDatabase(dbPath);
    await migrateToLatest(store.db);
    const ins = store.raw.prepare("INSERT INTO counts_minute (camera_id, minute, kind, target, class_name, entries, exits, crossings_in, crossings_out, max_occupancy, dwell_sum, visits) VALUES ('door', ?, ?, ?, 'person', ?, 0, ?, ?, 0, 0, 0)");
    // Rows every 7 minutes from 9 days ago up to 10 minutes ahead (the future and other spans must not count).
    for (let ms = Math.floor((now - 9 * 86_400_000) / 60_000) * 60_000; ms < now + 600_000; ms += 420_000) {
      const k = (ms / 60_000) % 5;
      ins.run(ms / 60_000, 'line', 'entrance', 0, 1 + k, k);
      ins.run(ms / 60_000, 'zone', 'till', 2, 0, 0);
      const span = ms >= dayStart && ms < now ? want.today : ms >= dayStart - 7 * 86_400_000 && ms < now - 7 * 86_400_000 ? want.week : undefined;
      if (span) {
        span.in += 1 + k;
        span.out += k;
        span.entries += 2;
      }
    }
    const ev = store.raw.prepare("INSERT INTO events (ts, camera_id, type, target, track_id, class_name, direction, value) VALUES (?, 'door', 'line.cross', 'entrance', 1, 'person', 'in', NULL)");
    for (const ago of [5, 30, 59, 61, 120]) ev.run(now - ago * 60_000);
    store.raw.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('app.settings', JSON.stringify({ language: 'en', site_name: '', timezone: 'Asia/Kolkata' }), now);
    await store.close();
    app = new Appliance(
      validateConfig({ http: { port: 0 }, storage: { path: dbPath }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [{ id: 'door', name: 'Door', source: CAMPUS, enabled: false }] }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => app?.stop());

  it("gives each camera's counts today and the same time last week, occupancy, events in the last hour and status", async () => {
    const r = await api(`${base}/api/v1/overview`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { time_zone: string; today_from: string; cameras: Array<Record<string, unknown>> };
    expect(body.time_zone).toBe('Asia/Kolkata');
    expect(body.today_from).toBe(new Date(dayStart).toISOString());
    expect(body.cameras).toHaveLength(1);
    const cam = body.cameras[0]!;
    expect(cam).toMatchObject({
      id: 'door',
      name: 'Door',
      health: { status: 'disabled' },
      today: { in: want.today.in, out: want.today.out, entries: want.today.entries, arrivals: want.today.in + want.today.entries },
      same_time_last_week: { in: want.week.in, out: want.week.out, entries: want.week.entries },
      occupancy_now: { total: 0 },
      events_last_hour: 3,
    });
    expect(want.week.in).toBeGreaterThan(0);
  });
});
