import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { countFramesFromRows } from '../src/analytics/count-eval.js';
import { footPoint, ZoneEngine, type LineDef } from '../src/analytics/zone-engine.js';
import { validateConfig } from '../src/config/loader.js';
import { parseMot } from '../src/eval/mot-format.js';
import { silentLogger } from '../src/logger.js';
import { api, json, MEDIA, STADTMITTE, tempDir, waitFor } from './helpers.js';

// A file session in video time (issue 19): real ffmpeg clips of TUD-Stadtmitte (179 frames at
// 25 fps, 7.16 s), with and without a creation_time tag, analysed by the real appliance as fast as
// its detector goes; the API's timeline and events are checked against the clip's ground truth.

const FPS = 25;
const FRAMES = 179;
const RECORDED = '2025-06-01T08:30:00.000Z';
const LINE: LineDef = { id: 'middle', points: [[0.5, 0.2], [0.5, 0.98]] };
/** A crossing the appliance counts lies this close in video time to the ground truth's (box edges differ by a few frames). */
const MATCH_S = 0.5;

interface Bucket { offset_s: number; time: string | null; tracks: number; crossings_in: number; crossings_out: number }
interface Ev { id: number; type: string; line: string | null; direction: string | null; offset_s: number; video_time: string | null; time: string }
interface Timeline { source: string; video_start: string | null; duration_s: number; bucket_seconds: number; buckets: Bucket[]; events: Ev[]; events_total: number }

/** The ground truth's crossings of `line`: the appliance's counting rules over the MOT boxes, at their frames' times. */
function truthCrossings(line: LineDef): Array<{ t: number; direction: 'in' | 'out' }> {
  const rows = parseMot(readFileSync(resolve(MEDIA, 'TUD-Stadtmitte/gt.txt'), 'utf8')).filter((r) => r.considered);
  const engine = new ZoneEngine([], [line]);
  const out: Array<{ t: number; direction: 'in' | 'out' }> = [];
  for (const f of countFramesFromRows(rows, FPS)) {
    const points = f.tracks.map((tr) => {
      const [x, y] = footPoint(tr.box, 640, 480);
      return { id: tr.id, className: 'person', x, y, h: (tr.box.y2 - tr.box.y1) / 480, w: (tr.box.x2 - tr.box.x1) / 640 };
    });
    const events = engine.update(points, f.t);
    for (const id of f.ended ?? []) events.push(...engine.endTrack(id, f.t));
    for (const e of events) if (e.type === 'line.cross') out.push({ t: e.t, direction: e.direction });
  }
  return out;
}

describe('file sessions in video time', () => {
  const dir = tempDir();
  let app: Appliance;
  let base: string;
  const plain = join(dir, 'walkway plain.mp4');
  const recorded = join(dir, 'walkway recorded.mp4');
  const get = async <T,>(path: string) => (await (await api(`${base}${path}`)).json()) as T;
  const post = (path: string, body?: unknown) => api(`${base}${path}`, json('POST', body));

  /** Creates, starts and waits for a session of `file` with the line; returns its id. */
  async function analyse(file: string): Promise<string> {
    const created = await post('/api/v1/sessions', { file, lines: [LINE] });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    expect((await post(`/api/v1/sessions/${id}/start`)).status).toBe(202);
    await waitFor(`session ${id} completed`, async () => ((await get<{ status: string }>(`/api/v1/sessions/${id}`)).status === 'completed' ? true : undefined), 120_000, 300);
    return id;
  }

  beforeAll(async () => {
    // Stream copies: the same frames and timestamps, one with the recorder's clock in its container.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', STADTMITTE, '-c', 'copy', plain]);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', STADTMITTE, '-c', 'copy', '-metadata', `creation_time=${RECORDED}`, recorded]);
    app = new Appliance(validateConfig({ http: { port: 0 }, storage: { path: join(dir, 'v.db'), media_dirs: [dir] }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [] }), silentLogger());
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => app?.stop());

  let plainEvents: Ev[] = [];

  it("charts a clip without a creation_time in offsets from its start: a bucket a second, crossings at their frames' offsets", async () => {
    const id = await analyse(plain);
    const s = await get<{ video_start: string | null; video_duration_s: number | null; started_at: string; finished_at: string }>(`/api/v1/sessions/${id}`);
    expect(s.video_start).toBeNull();
    expect(s.video_duration_s).toBeCloseTo(FRAMES / FPS, 6);
    const t = await get<Timeline>(`/api/v1/sessions/${id}/timeline`);
    expect(t.source).toBe(plain);
    expect(t.video_start).toBeNull();
    expect(t.duration_s).toBeCloseTo(7.16, 6);
    expect(t.bucket_seconds).toBe(1);
    expect(t.buckets.map((b) => b.offset_s)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(t.buckets.every((b) => b.time === null)).toBe(true);

    const crossings = t.events.filter((e) => e.type === 'line.cross');
    const truth = truthCrossings(LINE);
    expect(truth.length).toBeGreaterThanOrEqual(2);
    expect(crossings.length).toBeGreaterThanOrEqual(Math.ceil(truth.length / 2));
    // Each crossing is stamped at a frame of the clip (k / 25 s), inside it, near a true crossing of that direction.
    const unmatched = [...truth];
    for (const e of crossings) {
      expect(Math.abs(e.offset_s * FPS - Math.round(e.offset_s * FPS)), `offset ${e.offset_s} is a frame time`).toBeLessThan(1e-6);
      expect(e.offset_s).toBeGreaterThanOrEqual(0);
      expect(e.offset_s).toBeLessThanOrEqual(FRAMES / FPS);
      const k = unmatched.findIndex((g) => g.direction === e.direction && Math.abs(g.t - e.offset_s) <= MATCH_S);
      expect(k, `crossing ${e.direction} at ${e.offset_s} s; truth ${JSON.stringify(truth)}`).toBeGreaterThanOrEqual(0);
      unmatched.splice(k, 1);
    }
    // The buckets count the events of their second; the totals are the report's (per-minute counts).
    for (const b of t.buckets) {
      const inside = crossings.filter((e) => Math.min(7, Math.floor(e.offset_s)) === b.offset_s);
      expect(b.crossings_in, `bucket ${b.offset_s}`).toBe(inside.filter((e) => e.direction === 'in').length);
      expect(b.crossings_out, `bucket ${b.offset_s}`).toBe(inside.filter((e) => e.direction === 'out').length);
    }
    expect(t.buckets.filter((b) => b.crossings_in + b.crossings_out > 0).length).toBeGreaterThanOrEqual(2);
    const report = await get<{ body: { tracks: { total: number }; lines: Array<{ in: number; out: number }> } }>(`/api/v1/reports/${(await get<{ report_id: string }>(`/api/v1/sessions/${id}`)).report_id}`);
    expect(t.buckets.reduce((a, b) => a + b.crossings_in, 0)).toBe(report.body.lines[0]!.in);
    expect(t.buckets.reduce((a, b) => a + b.crossings_out, 0)).toBe(report.body.lines[0]!.out);
    expect(t.buckets.reduce((a, b) => a + b.tracks, 0)).toBe(report.body.tracks.total);
    expect(t.buckets.filter((b) => b.tracks > 0).length).toBeGreaterThanOrEqual(1);
    plainEvents = crossings;
  });

  it("stamps a clip with a creation_time at the time it was recorded: the tag + the offset", async () => {
    const id = await analyse(recorded);
    const s = await get<{ video_start: string | null }>(`/api/v1/sessions/${id}`);
    expect(s.video_start).toBe(RECORDED);
    const t = await get<Timeline>(`/api/v1/sessions/${id}/timeline`);
    expect(t.video_start).toBe(RECORDED);
    const start = Date.parse(RECORDED);
    expect(t.buckets.map((b) => b.time)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => new Date(start + k * 1000).toISOString()));
    const crossings = t.events.filter((e) => e.type === 'line.cross');
    // The same frames give the same crossings at the same offsets, however long either analysis took.
    expect(crossings.map((e) => [e.offset_s, e.direction])).toEqual(plainEvents.map((e) => [e.offset_s, e.direction]));
    for (const e of crossings) expect(e.video_time).toBe(new Date(start + Math.round(e.offset_s * 1000)).toISOString());
  });

  it('answers a bad id, an unknown session and a session without a video clock clearly', async () => {
    expect((await api(`${base}/api/v1/sessions/not-an-id/timeline`)).status).toBe(400);
    expect((await api(`${base}/api/v1/sessions/00000000-0000-4000-8000-000000000000/timeline`)).status).toBe(404);
    const created = await post('/api/v1/sessions', { file: plain });
    const id = ((await created.json()) as { id: string }).id;
    const r = await api(`${base}/api/v1/sessions/${id}/timeline`);
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/started/);
  });
});
