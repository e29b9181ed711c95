import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { api, json, signIn, tempDir, waitFor } from './helpers.js';
import { launchChromium, PageErrors, signInPage } from './browser.js';
import { STADTMITTE_OPERATOR_CAMERA, WALKWAY_AREA } from './stadtmitte-operator.js';

type Live = { analytics?: { queues?: Record<string, { length: number }>; occupancy?: { areas: Record<string, { occupancy: number; capacity: number }>; zones: Record<string, { capacity: number; percent: number }> }; speed?: Record<string, unknown> } };

/**
 * Queues, occupancy and speed in the running daemon on real video (TUD-Stadtmitte through ffmpeg,
 * the detector and the tracker): the engines' figures on the live counts topic, their sections in a
 * report, and a capacity rule created over the API firing through the alert engine.
 */
describe('queues, occupancy and speed in the daemon', () => {
  let app: Appliance;
  let base: string;
  beforeAll(async () => {
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: join(tempDir(), 'v.db') },
        analytics: {
          hourly_reports: false,
          daily_reports: false,
          occupancy: { closing_time: '03:00', timezone: 'Europe/Moscow', areas: [WALKWAY_AREA] },
        },
        detector: { classes: ['person'] },
        cameras: [STADTMITTE_OPERATOR_CAMERA],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('shows queue length, the capacity gauge and area occupancy on the live counts topic', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.address!.port}/api/v1/live`, { headers: { authorization: `Bearer ${await signIn(base)}` } });
    const counts: Live[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { topic: string; data: Live };
      if (m.topic === 'counts') counts.push(m.data);
    });
    await new Promise((r) => ws.once('open', r));
    try {
      ws.send(JSON.stringify({ subscribe: ['counts'], cameras: ['stadtmitte'] }));
      const seen = await waitFor('a queue on the live topic', () => counts.find((c) => (c.analytics?.queues?.queue?.length ?? 0) > 0), 60_000);
      expect(seen.analytics!.occupancy!.zones.queue).toMatchObject({ capacity: 1 });
      expect(seen.analytics!.occupancy!.zones.queue!.percent).toBeGreaterThanOrEqual(100);
      expect(seen.analytics!.occupancy!.areas.walkway).toMatchObject({ capacity: 5 });
      expect(seen.analytics!.occupancy!.areas.walkway!.occupancy).toBeGreaterThanOrEqual(0);
      // The same over HTTP, with the day's corrections.
      const occ = (await (await api(`${base}/api/v1/cameras/stadtmitte/occupancy`)).json()) as { zones: Record<string, unknown>; analytics: { occupancy: { areas: Record<string, Record<string, unknown>> } } };
      expect(occ.zones.queue).toBeDefined();
      expect(occ.analytics.occupancy.areas.walkway).toMatchObject({ capacity: 5, day: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), added: expect.any(Number), removed: expect.any(Number) });
    } finally {
      ws.close();
    }
  });

  it('fires a capacity rule made over the API, and refuses one on a missing zone naming the field', async () => {
    const bad = await api(`${base}/api/v1/alert-rules`, json('POST', { name: 'x', type: 'capacity', camera: 'stadtmitte', zone: 'nope', above_percent: 50 }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0]!.field).toBe('zone');
    const r = await api(`${base}/api/v1/alert-rules`, json('POST', { name: 'Queue full', type: 'capacity', camera: 'stadtmitte', zone: 'queue', above_percent: 50, channels: ['mqtt'] }));
    expect(r.status).toBe(201);
    const rule = (await r.json()) as { id: string };
    const n = await waitFor('the capacity rule fired', async () => {
      const list = ((await (await api(`${base}/api/v1/notifications`)).json()) as { notifications: Array<{ rule_id: string; message: string; type: string }> }).notifications;
      return list.find((x) => x.rule_id === rule.id);
    }, 30_000, 500);
    expect(n.type).toBe('capacity');
    expect(n.message).toMatch(/zone "queue" is at \d+(\.\d)?% of capacity/);
  });

  it('reports queues, occupancy and speed percentiles for the range', async () => {
    const from = Math.floor(Date.now() / 1000) - 600;
    type Body = { analytics?: { queues?: { queues: Array<{ zone: string; joined: number; max_length: number }> }; occupancy?: { areas: Record<string, { capacity: number }>; zones: Array<{ zone: string; peak: number }> }; speed?: { zones: Array<{ zone: string; class: string; samples: number; p50_mps: number; p85_mps: number }> } } };
    const body = await waitFor('engine sections in the report', async () => {
      const res = await api(`${base}/api/v1/reports`, json('POST', { cameras: ['stadtmitte'], from, to: Math.floor(Date.now() / 1000) + 60, resolution: '1m' }));
      const b = ((await res.json()) as { body: Body }).body;
      return (b.analytics?.queues?.queues[0]?.joined ?? 0) > 0 && (b.analytics?.speed?.zones.length ?? 0) > 0 ? b : undefined;
    }, 40_000, 1000);
    expect(body.analytics!.queues!.queues[0]).toMatchObject({ zone: 'queue' });
    expect(body.analytics!.queues!.queues[0]!.max_length).toBeGreaterThanOrEqual(1);
    expect(body.analytics!.occupancy!.zones.find((z) => z.zone === 'queue')!.peak).toBeGreaterThanOrEqual(1);
    expect(body.analytics!.occupancy!.areas.walkway).toMatchObject({ capacity: 5 });
    const walkers = body.analytics!.speed!.zones.find((z) => z.zone === '*' && z.class === 'person')!;
    expect(walkers.samples).toBeGreaterThan(0);
    // People walk: well under 4 m/s at the median on this calibration.
    expect(walkers.p50_mps).toBeGreaterThan(0.2);
    expect(walkers.p50_mps).toBeLessThan(4);
    expect(walkers.p85_mps).toBeGreaterThanOrEqual(walkers.p50_mps);
  });

  it('shows the gauge on the camera page (Chromium)', async () => {
    await signIn(base);
    const browser = await launchChromium();
    try {
      const errors = new PageErrors();
      const page = errors.watch(await (await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB' })).newPage());
      await signInPage(page, base);
      await page.goto(`${base}/#/cameras/stadtmitte`);
      const gauge = page.getByTestId('capacity-gauge');
      await gauge.waitFor({ timeout: 30_000 });
      // The walkway area (capacity 5), the queue zone's gauge (capacity 1) and the queue's line.
      await waitFor('the gauge text', async () => ((await gauge.innerText()).match(/queue: \d+ \/ 1/) ? true : undefined), 30_000, 300);
      const text = await gauge.innerText();
      expect(text).toMatch(/walkway \(area\): \d+ \/ 5/);
      expect(text).toMatch(/queue \d+ · wait ≈ \d+ s/);
      expect(await gauge.getByRole('progressbar').count()).toBeGreaterThanOrEqual(2);
      expect(errors.take()).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
