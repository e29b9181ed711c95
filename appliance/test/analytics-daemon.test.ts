import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGrid } from '../src/analytics/heatmap.js';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { CAMPUS, freePort, startCli, tempDir, waitFor, api } from './helpers.js';

const SHAPES = {
  // TUD-Campus: people walk left and right across the middle of the picture.
  lines: [{ id: 'middle', points: [[0.5, 0.3], [0.5, 0.95]] }],
  zones: [{ id: 'left', points: [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]] }],
};

interface Totals {
  entries: number;
  crossings: number;
  events: number;
  presence: number;
}

function totals(dbPath: string): Totals {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const c = db.prepare('SELECT COALESCE(SUM(entries),0) AS e, COALESCE(SUM(crossings_in + crossings_out),0) AS x FROM counts_minute').get() as { e: number; x: number };
    const ev = db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number };
    let presence = 0;
    for (const r of db.prepare("SELECT data FROM heatmap_hour WHERE kind = 'presence'").all() as Array<{ data: Buffer }>) {
      presence += decodeGrid(r.data).values.reduce((a, b) => a + b, 0);
    }
    return { entries: c.e, crossings: c.x, events: ev.n, presence };
  } finally {
    db.close();
  }
}

describe('crash safety: SIGKILL mid-run loses nothing that was flushed', () => {
  it('keeps counts, events and heatmap cells, passes integrity_check, and counting resumes after restart', async () => {
    const dir = tempDir();
    const port = await freePort();
    const dbPath = join(dir, 'v.db');
    const cfg = join(dir, 'config.yaml');
    writeFileSync(
      cfg,
      JSON.stringify({ http: { port }, storage: { path: dbPath }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [{ id: 'campus', source: CAMPUS, loop: true, ...SHAPES }] }),
    );
    const first = startCli(['run', '--config', cfg]);
    let before: Totals;
    try {
      before = await waitFor('two flushes with data', () => {
        const t = totals(dbPath);
        return t.entries >= 2 && t.crossings >= 1 && t.presence > 5 ? t : undefined;
      }, 40_000, 500);
    } finally {
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
    }
    const db = new Database(dbPath);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const after = totals(dbPath);
    expect(after.entries).toBeGreaterThanOrEqual(before.entries);
    expect(after.crossings).toBeGreaterThanOrEqual(before.crossings);
    expect(after.events).toBeGreaterThanOrEqual(before.events);
    expect(after.presence).toBeGreaterThanOrEqual(before.presence - 1e-6);

    const second = startCli(['run', '--config', cfg]);
    try {
      const resumed = await waitFor('counting resumes', () => {
        const t = totals(dbPath);
        return t.presence > after.presence + 3 && t.entries > after.entries ? t : undefined;
      }, 40_000, 500);
      expect(resumed.events).toBeGreaterThan(after.events);
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
  });
});

describe('analytics over the API', () => {
  const dir = tempDir();
  let app: Appliance;
  let base: string;
  const get = (path: string) => api(`${base}${path}`);
  const put = (path: string, body: unknown) => api(`${base}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    app = new Appliance(
      validateConfig({ http: { port: 0 }, storage: { path: join(dir, 'v.db') }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [{ id: 'campus', source: CAMPUS, loop: true, ...SHAPES }] }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
    await waitFor('events recorded', async () => {
      const body = (await (await get('/api/v1/events?camera=campus')).json()) as { events: unknown[] };
      return body.events.length >= 3 ? true : undefined;
    }, 30_000, 500);
  });
  afterAll(async () => app?.stop());

  it('refuses bad zones and lines with the field named', async () => {
    const cases: Array<[unknown, string]> = [
      [{ zones: [{ id: 'z', points: [[0.1, 0.1], [0.2, 0.2]] }] }, 'zones[0].points'],
      [{ zones: [{ id: 'z', points: [[0.1, 0.1], [0.9, 0.9], [0.9, 0.1], [0.1, 0.9]] }] }, 'zones[0].points'],
      [{ zones: [{ id: 'z', points: [[0.1, 0.1], [1.2, 0.1], [0.5, 0.8]] }] }, 'zones[0].points'],
      [{ zones: [{ id: 'z', points: [[0.1, 0.1], [0.9, 0.1], [0.5, 0.8]] }, { id: 'z', points: [[0.1, 0.1], [0.9, 0.1], [0.5, 0.8]] }] }, 'zones[1].id'],
    ];
    for (const [body, field] of cases) {
      const r = await put('/api/v1/cameras/campus/zones', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      const fields = ((await r.json()) as { error: { fields: Array<{ field: string }> } }).error.fields.map((f) => f.field);
      expect(fields).toContain(field);
    }
    const line = await put('/api/v1/cameras/campus/lines', { lines: [{ id: 'l', points: [[0.5, 0.5], [0.5, 0.5]] }] });
    expect(line.status).toBe(400);
    expect((await get('/api/v1/cameras/campus/zones')).status).toBe(200);
    expect(((await (await get('/api/v1/cameras/campus/zones')).json()) as { zones: Array<{ id: string }> }).zones.map((z) => z.id)).toEqual(['left']);
  });

  it('refuses time ranges backwards or wider than the retention, naming from', async () => {
    for (const q of ['from=2000&to=1000', 'from=0&to=2000000000', 'from=yesterday']) {
      const r = await get(`/api/v1/cameras/campus/heatmap?${q}`);
      expect(r.status, q).toBe(400);
      expect(((await r.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0]!.field).toBe('from');
    }
    expect((await get('/api/v1/events?from=2000&to=1000')).status).toBe(400);
  });

  it('serves live occupancy, events with pagination, and a snapshot', async () => {
    const occ = (await (await get('/api/v1/cameras/campus/occupancy')).json()) as { zones: Record<string, Record<string, number>> };
    expect(Object.keys(occ.zones)).toEqual(['left']);
    const page1 = (await (await get('/api/v1/events?camera=campus&limit=2')).json()) as { events: Array<{ id: number; time: string; type: string; camera: string }>; next: number };
    expect(page1.events).toHaveLength(2);
    expect(page1.next).toBe(page1.events[1]!.id);
    const page2 = (await (await get(`/api/v1/events?camera=campus&limit=2&cursor=${page1.next}`)).json()) as { events: Array<{ id: number; time: string }> };
    // Newest first by event time, the id breaking ties (an entry is stamped when it began, so it may
    // be stored after a later event): page 2 continues strictly after page 1's last event.
    const last = page1.events[1]!;
    const first = page2.events[0]!;
    expect(first.time < last.time || (first.time === last.time && first.id < last.id), `${JSON.stringify(first)} after ${JSON.stringify(last)}`).toBe(true);
    expect(page2.events.map((e) => e.id)).not.toContain(last.id);
    const snap = await get('/api/v1/cameras/campus/snapshot.jpg');
    expect(snap.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await snap.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 640, 480]);
  });

  it('serves the heatmap as JSON (resampled on request) and as a PNG over the snapshot', async () => {
    await waitFor('a heatmap flush', async () => {
      const h = (await (await get('/api/v1/cameras/campus/heatmap')).json()) as { max: number };
      return h.max > 0 ? true : undefined;
    }, 15_000, 500);
    const h = (await (await get('/api/v1/cameras/campus/heatmap?kind=presence&class=person')).json()) as { width: number; height: number; values: number[]; max: number };
    expect([h.width, h.height, h.values.length]).toEqual([64, 48, 64 * 48]);
    expect(Math.max(...h.values)).toBe(h.max);
    const small = (await (await get('/api/v1/cameras/campus/heatmap?width=16&height=12')).json()) as { values: number[] };
    expect(small.values).toHaveLength(192);
    expect(small.values.reduce((a, b) => a + b, 0)).toBeCloseTo(h.values.reduce((a, b) => a + b, 0), 1);
    const png = await get('/api/v1/cameras/campus/heatmap.png?opacity=0.7');
    expect(png.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 640, 480]);
  });

  it('generates a report with totals, zones, lines and a timeline, as JSON and CSV', async () => {
    const now = Math.floor(Date.now() / 1000);
    const from = Math.floor(now / 60) * 60 - 600; // minute-aligned: 11 one-minute rows up to a minute ahead
    const r = await api(`${base}/api/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: new Date(from * 1000).toISOString(), to: from + 660, resolution: '1m' }) });
    expect(r.status).toBe(201);
    const rep = (await r.json()) as {
      id: string;
      body: { tracks: { total: number }; visitors: { total: number }; zones: Array<{ zone: string; entries: number }>; lines: Array<{ line: string }>; timeline: Array<{ visitors: number }>; heatmaps: unknown[] };
    };
    expect(rep.body.tracks.total).toBeGreaterThan(0);
    // Visitors (tracks stitched into people): some, and the timeline adds up to the total.
    expect(rep.body.visitors.total).toBeGreaterThan(0);
    expect(rep.body.timeline.reduce((s, row) => s + row.visitors, 0)).toBe(rep.body.visitors.total);
    expect(rep.body.zones.map((z) => z.zone)).toEqual(['left']);
    expect(rep.body.lines.map((l) => l.line)).toEqual(['middle']);
    expect(rep.body.timeline.length).toBe(11);
    expect(rep.body.heatmaps).toHaveLength(1);
    const again = (await (await get(`/api/v1/reports/${rep.id}`)).json()) as { id: string };
    expect(again.id).toBe(rep.id);
    const csv = await (await get(`/api/v1/reports/${rep.id}.csv`)).text();
    expect(csv.split('\n')[0]).toBe('time,tracks,visitors,entries,exits,crossings_in,crossings_out,max_occupancy,coverage_pct,low_coverage');
    // The timeline (a header and 11 rows), then the report's analysis sections (totals, peak hour …).
    const [timelineCsv, ...sections] = csv.trim().split('\n\n');
    expect(timelineCsv!.split('\n')).toHaveLength(12);
    expect(sections[0]!.split('\n')[1]).toMatch(/^totals,/);
    const list = (await (await get('/api/v1/reports')).json()) as { reports: Array<{ id: string }> };
    expect(list.reports.map((x) => x.id)).toContain(rep.id);
    const bad = await api(`${base}/api/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cameras: ['nope'], from: now, to: now - 10 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Array<{ field: string }> } }).error.fields.map((f) => f.field).sort()).toEqual(['cameras[0]', 'from']);
  });
});
