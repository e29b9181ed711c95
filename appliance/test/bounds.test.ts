/**
 * Issue 14, finding 2: no request makes unbounded work. Ranges are bounded by retention, timelines by
 * bucket count, reports by cameras, sync pages by bytes, heatmaps by cells, uploads by count and free
 * space; and the largest report allowed is built off the event loop (healthz keeps answering).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { SYNC_PAGE_BYTES } from '../src/api/alerts.js';
import { api, CAMPUS, tempDir } from './helpers.js';

const DAY = 86_400;
const fields = async (r: Response): Promise<string[]> => ((await r.json()) as { error: { fields?: Array<{ field: string }> } }).error.fields?.map((f) => f.field) ?? [];

describe('bounded work per request', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'vantage.db');
  let app: Appliance;
  let base: string;
  const send = (method: string, path: string, body?: unknown) =>
    api(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: dbPath, max_uploads: 1 },
        analytics: { hourly_reports: false, daily_reports: false },
        cameras: [{ id: 'cam', source: CAMPUS, enabled: false }],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => app?.stop());

  it('refuses huge ranges, timelines, camera lists and heatmaps with a 400 naming the field, and stores nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/v1/sessions', { camera: 'cam', from: 0, to: 6e10 }, 'from'],
      ['POST', '/api/v1/sessions', { camera: 'cam', from: 0, to: 1e15 }, 'to'],
      ['POST', '/api/v1/sessions', { camera: 'cam', from: now - 91 * DAY, to: now }, 'from'],
      ['POST', '/api/v1/reports', { from: now - 30 * DAY, to: now, resolution: '1m' }, 'resolution'],
      ['POST', '/api/v1/reports', { from: 0, to: 6e10, resolution: '1h' }, 'from'],
      ['POST', '/api/v1/reports', { cameras: Array.from({ length: 5000 }, () => 'cam'), from: now - 60, to: now }, 'cameras'],
      // Comparisons (issue 18): weeks back bounded, the time zone an IANA name.
      ['POST', '/api/v1/reports', { from: now - 60, to: now, compare_weeks: 9 }, 'compare_weeks'],
      ['POST', '/api/v1/reports', { from: now - 60, to: now, timezone: 'Mars/Olympus' }, 'timezone'],
      ['POST', '/api/v1/reports', { from: now - 60, to: now, day_hour: 'yes' }, 'day_hour'],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await send(method, path, body);
      expect(r.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(await fields(r), JSON.stringify(body).slice(0, 120)).toContain(field);
    }
    const cmp = await send('POST', '/api/v1/reports', { from: now - DAY, to: now, timezone: 'Europe/Berlin', compare_previous: true, compare_weeks: 2, day_hour: true });
    expect(cmp.status).toBe(201);
    const cmpBody = ((await cmp.json()) as { body: { time_zone: string; comparisons: Array<{ kind: string }>; day_hour: { average: unknown[][] } } }).body;
    expect(cmpBody.time_zone).toBe('Europe/Berlin');
    expect(cmpBody.comparisons.map((c) => c.kind)).toEqual(['previous', 'week', 'week']);
    expect(cmpBody.day_hour.average.map((r) => r.length)).toEqual([24, 24, 24, 24, 24, 24, 24]);
    // Without `timezone`, the site's (run-time settings, validated there too).
    const badZone = await send('PUT', '/api/v1/settings', { timezone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect(await fields(badZone)).toContain('timezone');
    expect((await send('PUT', '/api/v1/settings', { timezone: 'Asia/Kolkata' })).status).toBe(200);
    const site = await send('POST', '/api/v1/reports', { from: now - 3600, to: now });
    expect(((await site.json()) as { body: { time_zone: string } }).body.time_zone).toBe('Asia/Kolkata');
    expect((await send('PUT', '/api/v1/settings', { timezone: '' })).status).toBe(200);
    const det = await api(`${base}/api/v1/cameras/cam/detections?from=${now - 2 * DAY}&to=${now}`);
    expect(det.status).toBe(400);
    expect(await fields(det)).toContain('from');
    const heat = await api(`${base}/api/v1/cameras/cam/heatmap?width=1024&height=1024`);
    expect(heat.status).toBe(400);
    expect(await fields(heat)).toContain('width');
    expect((await api(`${base}/api/v1/cameras/cam/heatmap?width=512&height=512`)).status).toBe(200);
    const { sessions } = (await (await api(`${base}/api/v1/sessions`)).json()) as { sessions: unknown[] };
    expect(sessions).toEqual([]);
    // The widest range a camera session may have is accepted, and its report has at most 10 000 buckets.
    const widest = await send('POST', '/api/v1/sessions', { camera: 'cam', from: now - 90 * DAY, to: now });
    expect(widest.status).toBe(201);
  });

  it('pages /sync/reports by bytes as well as by count, losing and repeating nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const made: string[] = [];
    // 15-minute buckets over 80 days: 7680 timeline rows, about 1 MiB a report.
    for (let i = 0; i < 6; i++) {
      const r = await send('POST', '/api/v1/reports', { cameras: ['cam'], from: now - 80 * DAY - i, to: now - i, resolution: '15m' });
      expect(r.status).toBe(201);
      made.push(((await r.json()) as { id: string }).id);
    }
    const seen: string[] = [];
    let cursor = 0;
    let pages = 0;
    for (;;) {
      const r = await api(`${base}/api/v1/sync/reports?limit=100&cursor=${cursor}`);
      const text = await r.text();
      const page = JSON.parse(text) as { reports: Array<{ id: string }>; next_cursor: number; has_more: boolean };
      pages++;
      if (page.reports.length > 1) expect(Buffer.byteLength(text)).toBeLessThan(SYNC_PAGE_BYTES + 64 * 1024);
      seen.push(...page.reports.map((x) => x.id));
      cursor = page.next_cursor;
      if (!page.has_more) break;
    }
    expect(seen.filter((id) => made.includes(id))).toEqual(made);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(1);
  }, 120_000);

  it('keeps storage.max_uploads uploads; one more is a 409 naming the body, and the kept one stays', async () => {
    const clip = readFileSync(CAMPUS);
    const first = await api(`${base}/api/v1/sessions/upload?name=one.mp4`, { method: 'POST', body: clip });
    expect(first.status).toBe(201);
    const kept = ((await first.json()) as { source: string }).source;
    const second = await api(`${base}/api/v1/sessions/upload?name=two.mp4`, { method: 'POST', body: clip });
    expect(second.status).toBe(409);
    expect(await fields(second)).toEqual(['body']);
    expect(readdirSync(join(dir, 'uploads'))).toHaveLength(1);
    expect(readFileSync(kept).equals(clip)).toBe(true);
  });

  it('answers /healthz while the largest report allowed is built', async () => {
    // 90 days of per-minute counts for a zone and a line: about a quarter of a million rows.
    const now = Math.floor(Date.now() / 1000);
    const firstMinute = Math.floor((now - 90 * DAY) / 60) + 1;
    const minutes = 90 * 1440 - 2;
    const db = new Database(dbPath);
    const insert = db.prepare('INSERT INTO counts_minute VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let m = firstMinute; m < firstMinute + minutes; m++) {
        insert.run('cam', m, 'zone', 'z0', 'person', 1, 1, 0, 0, 2, 3, 1);
        insert.run('cam', m, 'line', 'l1', 'car', 0, 0, 0, 1, 0, 0, 0);
      }
    })();
    db.close();
    expect((await api(`${base}/healthz`)).status).toBe(200);

    let done = false;
    let answered = 0;
    const report = send('POST', '/api/v1/reports', { cameras: ['cam'], from: now - 90 * DAY, to: now, resolution: '15m' }).finally(() => (done = true));
    const poll = (async () => {
      while (!done) {
        const r = await fetch(`${base}/healthz`);
        if (!done && r.status === 200) answered++;
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    const r = await report;
    await poll;
    expect(r.status).toBe(201);
    const body = ((await r.json()) as { body: { zones: Array<{ zone: string; entries: number }>; lines: Array<{ line: string; in: number; out: number }>; timeline: unknown[] } }).body;
    expect(body.zones.find((z) => z.zone === 'z0')!.entries).toBe(minutes);
    expect(body.lines.find((l) => l.line === 'l1')!.out).toBe(minutes);
    expect(body.timeline.length).toBeLessThanOrEqual(10_000);
    // The event loop kept serving while the report was built.
    expect(answered).toBeGreaterThanOrEqual(3);
    expect(existsSync(dbPath)).toBe(true);
  }, 120_000);
});

describe('uploads keep storage.min_free_mb free; reports keep their heatmaps bounded', () => {
  it('refuses an upload that would leave less free space than storage.min_free_mb (413 naming the body), and a report of 9 512×512 heatmaps (400 naming cameras)', async () => {
    const dir = tempDir();
    const app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: join(dir, 'v.db'), min_free_mb: 100_000_000, disk_check_seconds: 3600 },
        analytics: { hourly_reports: false, daily_reports: false, heatmap_width: 512, heatmap_height: 512 },
        cameras: Array.from({ length: 9 }, (_, i) => ({ id: `c${i}`, source: CAMPUS, enabled: false })),
      }),
      silentLogger(),
    );
    await app.start();
    try {
      const base = `http://127.0.0.1:${app.address!.port}`;
      const r = await api(`${base}/api/v1/sessions/upload?name=clip.mp4`, { method: 'POST', body: readFileSync(CAMPUS) });
      expect(r.status).toBe(413);
      expect(await fields(r)).toEqual(['body']);
      expect(existsSync(join(dir, 'uploads')) ? readdirSync(join(dir, 'uploads')) : []).toEqual([]);
      const now = Math.floor(Date.now() / 1000);
      const all = await api(`${base}/api/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: now - 3600, to: now }) });
      expect(all.status).toBe(400);
      expect(await fields(all)).toEqual(['cameras']);
      const eight = await api(`${base}/api/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cameras: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'], from: now - 3600, to: now }) });
      expect(eight.status).toBe(201);
      // Summing 300 days of 512×512 grids is refused; a week is not.
      const year = await api(`${base}/api/v1/cameras/c0/heatmap?from=${now - 300 * DAY}&to=${now}`);
      expect(year.status).toBe(400);
      expect(await fields(year)).toEqual(['from']);
      expect((await api(`${base}/api/v1/cameras/c0/heatmap?from=${now - 7 * DAY}&to=${now}`)).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});
