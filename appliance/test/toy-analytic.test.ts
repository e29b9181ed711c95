import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Appliance } from '../src/appliance.js';
import { registerEngine } from '../src/analytics/engines/index.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { api, CAMPUS, signIn, tempDir, waitFor } from './helpers.js';
import { objectsPerMinute } from './objects-per-minute.js';

/**
 * The acceptance of the extension points: a new analytic is one file (objects-per-minute.ts) plus one
 * registration line, and its numbers reach the report and the live WebSocket with nothing else changed.
 */
describe('a toy analytic plugged in: objects in frame per class, per minute', () => {
  let app: Appliance;
  let base: string;
  let unregister: () => void;
  beforeAll(async () => {
    unregister = registerEngine(objectsPerMinute);
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: join(tempDir(), 'v.db') },
        analytics: { hourly_reports: false, daily_reports: false },
        detector: { classes: ['person'] },
        cameras: [{ id: 'campus', source: CAMPUS, loop: true }],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => {
    await app?.stop();
    unregister?.();
  });

  it('shows the per-class counts of the latest frame on the live counts topic', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${app.address!.port}/api/v1/live`, { headers: { authorization: `Bearer ${await signIn(base)}` } });
    const counts: Array<{ analytics?: { objects?: Record<string, number> } }> = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { topic: string; data: { analytics?: { objects?: Record<string, number> } } };
      if (m.topic === 'counts') counts.push(m.data);
    });
    await new Promise((r) => ws.once('open', r));
    try {
      ws.send(JSON.stringify({ subscribe: ['counts'], cameras: ['campus'] }));
      const seen = await waitFor('people counted live', () => counts.find((c) => (c.analytics?.objects?.person ?? 0) > 0), 30_000);
      expect(Object.keys(seen.analytics!.objects!)).toEqual(['person']);
      expect(Number.isInteger(seen.analytics!.objects!.person)).toBe(true);
    } finally {
      ws.close();
    }
  });

  it('puts the per-class figures into a report of the range', async () => {
    const from = Math.floor(Date.now() / 1000) - 600;
    const report = await waitFor('objects in the report', async () => {
      const to = Math.floor(Date.now() / 1000) + 60;
      const r = await api(`${base}/api/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cameras: ['campus'], from, to, resolution: '1m' }) });
      const body = ((await r.json()) as { body: { analytics?: { objects?: { by_class: Record<string, { peak: number; frames: number; average: number }>; minutes: number } } } }).body;
      return (body.analytics?.objects?.by_class.person?.frames ?? 0) > 10 ? body : undefined;
    }, 30_000, 1000);
    const person = report.analytics!.objects!.by_class.person!;
    expect(person.peak).toBeGreaterThanOrEqual(1);
    expect(person.average).toBeGreaterThan(0);
    expect(person.average).toBeLessThanOrEqual(person.peak);
    expect(report.analytics!.objects!.minutes).toBeGreaterThanOrEqual(1);
    // The built-in sections are there as before.
    expect(report).toMatchObject({ cameras: ['campus'], tracks: { total: expect.any(Number) } });
  });
});
