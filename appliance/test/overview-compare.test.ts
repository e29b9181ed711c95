import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraView } from '../src/api/types.js';
import type { Overview } from '../src/api/overview-schema.js';
import { countsBetween } from '../src/analytics/comparisons.js';
import { AnalyticsStore, minuteRow, type MinuteRow } from '../src/store/analytics-store.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../src/store/database.js';
import { apiHarness, type Harness } from './api-harness.js';
import { tempDir } from './helpers.js';

/**
 * Issue 18, the home page: GET /api/v1/overview's today vs. the same time last week, per camera and
 * for the site, over minute counts written through the store into a real SQLite file, against sums the
 * test makes itself from the rows it wrote, with the windows written out here as UTC instants (Berlin:
 * CET = UTC+1, CEST = UTC+2; 2026 changes on 29 March and 25 October at 01:00 UTC; Kolkata UTC+5:30).
 */
const H = 3_600_000;
const M = 60_000;
const utc = (mo: number, d: number, h: number, mi = 0, s = 0) => Date.UTC(2026, mo - 1, d, h, mi, s);

const rows: MinuteRow[] = [];
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
/** Line rows on most minutes (and zone rows, which are not in / out) for door, hall and a camera no longer configured. */
function fill(fromMs: number, toMs: number) {
  for (let m = fromMs / M; m < toMs / M; m++) {
    for (const camera of ['door', 'hall', 'gone']) {
      if (rnd() < 0.4) continue;
      rows.push(minuteRow({ camera_id: camera, minute: m, kind: 'line', target: 'entrance', class_name: 'person' }, { crossings_in: Math.floor(rnd() * 5), crossings_out: Math.floor(rnd() * 4) }));
      if (rnd() < 0.3) rows.push(minuteRow({ camera_id: camera, minute: m, kind: 'zone', target: 'till', class_name: 'person' }, { entries: 3, exits: 2 }));
    }
  }
}

/** In / out of `camera` over [from, to) ms: rows whose minute starts in it. */
function sum(camera: string, from: number, to: number) {
  const t = { in: 0, out: 0 };
  for (const r of rows) {
    if (r.camera_id !== camera || r.kind !== 'line' || r.minute * M < from || r.minute * M >= to) continue;
    t.in += r.crossings_in;
    t.out += r.crossings_out;
  }
  return t;
}
const pct = (now: number, then: number) => (then === 0 ? null : Math.round(((now - then) / then) * 1000) / 10);
const change = (now: { in: number; out: number }, then: { in: number; out: number }) => ({
  in: { abs: now.in - then.in, pct: pct(now.in, then.in) },
  out: { abs: now.out - then.out, pct: pct(now.out, then.out) },
});

const view = (id: string, name: string) => ({ id, name, status: 'online', fps: 10, lastFrameAt: null }) as unknown as CameraView;

describe('overview: today vs. the same time last week from the stored minute counts', () => {
  let db: OpenedDatabase;
  let h: Harness;
  let admin: Record<string, string>;

  beforeAll(async () => {
    db = openDatabase(join(tempDir(), 'minutes.db'));
    await migrateToLatest(db.db);
    const store = new AnalyticsStore(db.db);
    fill(utc(3, 21, 0), utc(4, 3, 0));
    fill(utc(10, 16, 0), utc(10, 29, 0));
    await store.write({ events: [], minutes: rows, heatmaps: [] });
    h = await apiHarness({
      cameras: () => [view('door', 'Front door'), view('hall', 'Hall')],
      cameraConfig: () => undefined,
      events: (q) => store.events(q),
      occupancy: () => ({}),
      minuteCounts: (cameras, from, to) => countsBetween(store, cameras, from, to),
    });
    admin = await h.bearer('admin');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await db?.close();
  });

  async function overview(tz: string, now: number): Promise<Overview> {
    const put = await h.app.request('/api/v1/settings', { method: 'PUT', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ timezone: tz }) });
    expect(put.status).toBe(200);
    h.clock.t = now;
    const res = await h.app.request('/api/v1/overview', { headers: admin });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Overview;
  }

  const cases: Array<{ what: string; tz: string; now: number; today: number; lastWeek: [number, number] }> = [
    // The week between holds the autumn change: last week's 09:30 was CEST, 07:30 UTC (now − 7 × 24 h would be 08:30 UTC).
    { what: 'a week across the autumn DST change (Berlin)', tz: 'Europe/Berlin', now: utc(10, 28, 8, 30, 20), today: utc(10, 27, 23), lastWeek: [utc(10, 20, 22), utc(10, 21, 7, 30, 20)] },
    // The change day itself: 25 hours long; today began at 00:00 CEST.
    { what: 'the autumn DST day itself (Berlin, a 25-hour day)', tz: 'Europe/Berlin', now: utc(10, 25, 14, 20, 10), today: utc(10, 24, 22), lastWeek: [utc(10, 17, 22), utc(10, 18, 13, 20, 10)] },
    { what: 'a week across the spring DST change (Berlin)', tz: 'Europe/Berlin', now: utc(4, 2, 8, 5, 30), today: utc(4, 1, 22), lastWeek: [utc(3, 25, 23), utc(3, 26, 9, 5, 30)] },
    { what: 'the spring DST day itself (Berlin, a 23-hour day)', tz: 'Europe/Berlin', now: utc(3, 29, 10, 0, 45), today: utc(3, 28, 23), lastWeek: [utc(3, 21, 23), utc(3, 22, 11, 0, 45)] },
    { what: 'a half-hour zone just after local midnight (Kolkata)', tz: 'Asia/Kolkata', now: utc(10, 27, 19, 10), today: utc(10, 27, 18, 30), lastWeek: [utc(10, 20, 18, 30), utc(10, 20, 19, 10)] },
  ];

  for (const c of cases) {
    it(`${c.what}: per camera and for the site`, async () => {
      const o = await overview(c.tz, c.now);
      expect(o.timezone).toBe(c.tz);
      expect(o.windows).toEqual({
        today_from: new Date(c.today).toISOString(),
        today_to: new Date(c.now).toISOString(),
        last_week_from: new Date(c.lastWeek[0]).toISOString(),
        last_week_to: new Date(c.lastWeek[1]).toISOString(),
      });
      const site = { today: { in: 0, out: 0 }, last_week: { in: 0, out: 0 } };
      expect(o.cameras.map((x) => x.id)).toEqual(['door', 'hall']);
      for (const cam of o.cameras) {
        const today = sum(cam.id, c.today, c.now);
        const lastWeek = sum(cam.id, ...c.lastWeek);
        expect(today.in + lastWeek.in, `${cam.id}: the test's data covers both windows`).toBeGreaterThan(0);
        expect(cam.compare).toEqual({ today, last_week: lastWeek, change: change(today, lastWeek) });
        expect(cam.capacity).toEqual([]);
        expect(cam.queues).toEqual([]);
        for (const k of ['in', 'out'] as const) {
          site.today[k] += today[k];
          site.last_week[k] += lastWeek[k];
        }
      }
      // The site: the configured cameras added up ('gone' has rows but is not one of them).
      expect(o.site.compare).toEqual({ ...site, change: change(site.today, site.last_week) });
      expect(o.site.capacity).toEqual([]);
    });
  }

  it('the same time last week is the local wall clock, not 7 × 24 hours: the figures tell them apart', async () => {
    const c = cases[0]!;
    const o = await overview(c.tz, c.now);
    const naive = sum('door', c.lastWeek[0] + H, c.now - 7 * 24 * H);
    const door = o.cameras.find((x) => x.id === 'door')!;
    expect(door.compare.last_week).toEqual(sum('door', ...c.lastWeek));
    expect(door.compare.last_week).not.toEqual(naive);
  });

  it('the OpenAPI document describes the answer (the dashboard types are generated from it)', async () => {
    type Schema = { required?: string[]; properties?: Record<string, Schema>; items?: Schema };
    const doc = (await (await h.app.request('/api/v1/openapi.json', { headers: admin })).json()) as { paths: Record<string, Record<string, { responses: Record<string, { content: { 'application/json': { schema: Schema } } }> }>> };
    const s = doc.paths['/api/v1/overview']!.get!.responses['200']!.content['application/json'].schema;
    expect(s.required).toEqual(expect.arrayContaining(['time', 'timezone', 'windows', 'site', 'cameras']));
    expect(s.properties!.site!.required).toEqual(expect.arrayContaining(['compare', 'capacity']));
    expect(s.properties!.cameras!.items!.required).toEqual(expect.arrayContaining(['today', 'compare', 'capacity', 'queues']));
  });

  it('the minute holding now counts; a minute starting at now does not', async () => {
    const minute = utc(10, 28, 8, 30);
    const o = await overview('Europe/Berlin', minute);
    const o2 = await overview('Europe/Berlin', minute + 1000);
    const inMinute = rows.filter((r) => r.camera_id === 'door' && r.kind === 'line' && r.minute * M === minute).reduce((a, r) => a + r.crossings_in, 0);
    const door = (x: Overview) => x.cameras.find((c) => c.id === 'door')!.compare.today.in;
    expect(door(o2) - door(o)).toBe(inMinute);
  });
});
