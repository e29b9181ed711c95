/**
 * The video-analytics backend's AI-service contract against the real daemon (dist/, spawned with
 * `vantage run`) and the real RTSP test server: the client's exact call sequence with its X-API-KEY,
 * every answer checked against the shapes the README promises (the zod schemas of the OpenAPI
 * document, strict: no field missing, none extra), and every number against the native sessions and
 * reports API. Also: the live WebSocket's analysis.* events, 401/403/400 answers.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../src/analytics/heatmap.js';
import type { ReportBody } from '../src/analytics/report-builder.js';
import { analyticsSchema, heatmapSchema, reportSchema, statusSchema, type StatusAnswer } from '../src/api/ai-service-views.js';
import { CAMPUS, freePort, signIn, startCli, tempDir, waitFor } from './helpers.js';
import { startRtspServer, stopAllRtspServers, type RtspServer } from './rtsp-server.js';

interface NativeSession {
  id: string;
  kind: string;
  source: string;
  status: string;
  progress: number;
  report_id: string | null;
  duration: number | null;
  count_threshold: number | null;
  summary: { frames: number; width: number; height: number; detections: Record<string, { detections: number; frames: number }> } | null;
}
interface NativeReport {
  id: string;
  cameras: string[];
  body: ReportBody;
}
interface LiveMsg {
  topic: string;
  data: Record<string, unknown>;
}

const MAX_STREAM_SECONDS = 60;
let daemon: ChildProcess & { output: () => string };
let rtsp: RtspServer;
let base: string;
let admin: Record<string, string>;
/** The backend's key (analysis:run + reports:read), sent as the client sends it. */
let clientKey: string;
let reportsOnlyKey: string;
let runOnlyKey: string;
const live: LiveMsg[] = [];
let socket: WebSocket;

const json = (method: string, body: unknown, headers: Record<string, string>): RequestInit => ({ method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
/** A call the way the backend's client makes it: base URL + path, `X-API-KEY` header. */
async function client(path: string, init: RequestInit = {}, key = clientKey): Promise<Response> {
  return fetch(`${base}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), 'X-API-KEY': key } });
}
async function native<T>(path: string): Promise<T> {
  const r = await fetch(`${base}${path}`, { headers: admin });
  expect(r.status, path).toBe(200);
  return (await r.json()) as T;
}
/** Polls the status route until the analysis is completed (or failed), checking every answer. */
async function pollUntilDone(id: string, seen: StatusAnswer[]): Promise<StatusAnswer> {
  return waitFor(
    `analysis ${id} done`,
    async () => {
      const r = await client(`/api/v1/video/analyze/${id}`);
      expect(r.status).toBe(200);
      const s = statusSchema.parse(await r.json());
      seen.push(s);
      return s.status === 'completed' || s.status === 'failed' ? s : undefined;
    },
    120_000,
    250,
  );
}

beforeAll(async () => {
  rtsp = await startRtspServer();
  const dir = tempDir();
  const port = await freePort();
  const cfg = join(dir, 'config.yaml');
  writeFileSync(
    cfg,
    JSON.stringify({
      http: { port },
      storage: { path: join(dir, 'v.db') },
      log: { level: 'warn' },
      analytics: { hourly_reports: false, daily_reports: false, max_stream_seconds: MAX_STREAM_SECONDS },
      cameras: [],
    }),
  );
  daemon = startCli(['run', '--config', cfg]);
  base = `http://127.0.0.1:${port}`;
  await waitFor('daemon ready', async () => ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000, 250);
  admin = { authorization: `Bearer ${await signIn(base)}` };
  const key = async (scopes: string[]) => {
    const r = await fetch(`${base}/api/v1/api-keys`, json('POST', { name: scopes.join('+'), scopes }, admin));
    expect(r.status).toBe(201);
    return ((await r.json()) as { key: string }).key;
  };
  clientKey = await key(['analysis:run', 'reports:read']);
  reportsOnlyKey = await key(['reports:read']);
  runOnlyKey = await key(['analysis:run']);
  socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { headers: admin });
  socket.on('message', (d) => live.push(JSON.parse(d.toString()) as LiveMsg));
  await new Promise<void>((res, rej) => {
    socket.once('open', () => res());
    socket.once('error', rej);
  });
  socket.send(JSON.stringify({ subscribe: ['session.progress'] }));
  await waitFor('subscribed', () => (live.some((m) => m.topic === 'subscribed') ? true : undefined));
}, 120_000);

afterAll(async () => {
  socket?.close();
  if (daemon && daemon.exitCode === null) {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
  }
  await rtsp?.stop();
  await stopAllRtspServers();
});

describe('the AI-service contract, as its client calls it', () => {
  const analyses: Record<'file' | 'stream', { id: string; done: StatusAnswer }> = {} as never;

  it('analyses a bundled file to completion', async () => {
    const r = await client('/api/v1/video/analyze', json('POST', { source_type: 'file', source_path: CAMPUS, duration: null, confidence_threshold: 0.5 }, {}));
    expect(r.status).toBe(202);
    const started = statusSchema.parse(await r.json());
    expect(['queued', 'processing']).toContain(started.status);
    expect(started).toMatchObject({ source_type: 'file', source_path: CAMPUS, confidence_threshold: 0.5, duration: null, error: null, report_id: null, result: null });
    const seen: StatusAnswer[] = [];
    const done = await pollUntilDone(started.session_id, seen);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(done.progress).toBe(100);
    const progress = seen.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // TUD-Campus: 71 frames of 640×480 at 25 fps, people in every one.
    expect(done.result).toMatchObject({ frames: 71, width: 640, height: 480, source_fps: 25 });
    expect(done.result!.detections.person!.frames).toBeGreaterThan(60);
    analyses.file = { id: started.session_id, done };
  }, 150_000);

  it("analyses the RTSP server's stream for 10 s; it appears in /api/v1/sessions like any other session", async () => {
    const r = await client('/api/v1/video/analyze', json('POST', { source_type: 'stream', source_path: rtsp.url, duration: 10, confidence_threshold: 0.5 }, {}));
    expect(r.status).toBe(202);
    const started = statusSchema.parse(await r.json());
    expect(started).toMatchObject({ source_type: 'stream', source_path: rtsp.url, duration: 10 });
    const listed = await native<{ sessions: NativeSession[] }>('/api/v1/sessions');
    expect(listed.sessions.find((s) => s.id === started.session_id)).toMatchObject({ kind: 'stream', source: rtsp.url, duration: 10, count_threshold: 0.5 });
    const seen: StatusAnswer[] = [];
    const done = await pollUntilDone(started.session_id, seen);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    // While the stream played, the status said so, with progress between 0 and 100.
    expect(seen.some((s) => s.status === 'processing' && s.progress > 0 && s.progress < 100)).toBe(true);
    expect(done.result).toMatchObject({ width: 640, height: 480, source_fps: 25 });
    expect(done.result!.frames).toBeGreaterThan(0);
    expect(done.result!.detections.person!.detections).toBeGreaterThan(0);
    analyses.stream = { id: started.session_id, done };
    // The report covers the 10 s of stream analysed (whole seconds, rounded outwards).
    const report = await native<NativeReport>(`/api/v1/reports/${done.report_id}`);
    const span = (Date.parse(report.body.to) - Date.parse(report.body.from)) / 1000;
    expect(span).toBeGreaterThanOrEqual(10);
    expect(span).toBeLessThanOrEqual(12);
  }, 150_000);

  for (const kind of ['file', 'stream'] as const) {
    it(`${kind}: analytics, a 100×100 heatmap and a summary report equal the native session and report`, async () => {
      const { id, done } = analyses[kind];
      const session = await native<NativeSession>(`/api/v1/sessions/${id}`);
      expect(session).toMatchObject({ status: 'completed', progress: 100, report_id: done.report_id });
      expect(done.result).toEqual(session.summary);
      const report = await native<NativeReport>(`/api/v1/reports/${done.report_id}`);

      const ar = await client(`/api/v1/reports/sessions/${id}/analytics`);
      expect(ar.status).toBe(200);
      const analytics = analyticsSchema.parse(await ar.json());
      expect(analytics).toEqual({
        session_id: id,
        report_id: report.id,
        from: report.body.from,
        to: report.body.to,
        resolution_seconds: report.body.resolution_seconds,
        tracks: report.body.tracks,
        visitors: report.body.visitors,
        detections: session.summary!.detections,
        zones: report.body.zones,
        lines: report.body.lines,
        timeline: report.body.timeline,
      });
      expect(analytics.tracks.total).toBeGreaterThan(0);
      expect(analytics.tracks.by_class.person).toBe(analytics.tracks.total);
      // Visitors: the tracks stitched into people; a finished file has every track ended, so at most as many.
      expect(analytics.visitors!.total).toBeGreaterThan(0);
      expect(analytics.visitors!.total).toBeLessThanOrEqual(analytics.tracks.total);

      const hr = await client(`/api/v1/reports/sessions/${id}/heatmap?width=100&height=100`);
      expect(hr.status).toBe(200);
      const heat = heatmapSchema.parse(await hr.json());
      expect(heat.grid).toHaveLength(100);
      for (const row of heat.grid) expect(row).toHaveLength(100);
      const h = report.body.heatmaps[0]!;
      const expected = resample({ width: h.width, height: h.height, values: Float32Array.from(h.values) }, 100, 100).values;
      heat.grid.flat().forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 3));
      const nativeTotal = h.values.reduce((a, b) => a + b, 0);
      expect(nativeTotal).toBeGreaterThan(1);
      expect(Math.abs(heat.total - nativeTotal)).toBeLessThan(0.01 * nativeTotal);

      const gr = await client('/api/v1/reports/generate', json('POST', { session_id: id, report_type: 'summary', include_heatmap: true, include_timeline: true }, {}));
      expect(gr.status).toBe(201);
      const generated = reportSchema.parse(await gr.json());
      const stored = await native<NativeReport & { kind: string }>(`/api/v1/reports/${generated.report_id}`);
      expect(stored.kind).toBe('session');
      expect(stored.cameras).toEqual(report.cameras);
      expect(generated).toMatchObject({ session_id: id, report_type: 'summary', from: stored.body.from, to: stored.body.to });
      expect(generated.summary.tracks).toEqual(stored.body.tracks);
      expect(generated.summary.tracks).toEqual(report.body.tracks);
      expect(generated.summary.visitors).toEqual(stored.body.visitors);
      expect(generated.summary.detections).toEqual(session.summary!.detections);
      expect(generated.timeline).toEqual(stored.body.timeline);
      expect(generated.details).toBeUndefined();
      expect(generated.heatmap!.width * generated.heatmap!.height).toBe(stored.body.heatmaps[0]!.values.length);
      generated.heatmap!.grid.flat().forEach((v, i) => expect(v).toBeCloseTo(stored.body.heatmaps[0]!.values[i]!, 3));
    }, 60_000);
  }

  it('the live WebSocket carried analysis.started, .progress and .completed with the same session ids', () => {
    for (const kind of ['file', 'stream'] as const) {
      const { id, done } = analyses[kind];
      const mine = live.filter((m) => m.data.session === id).map((m) => m.topic);
      expect(mine[0], kind).toBe('analysis.started');
      expect(mine.filter((t) => t === 'analysis.progress').length, kind).toBeGreaterThan(0);
      expect(mine[mine.length - 1], kind).toBe('analysis.completed');
      expect(live.find((m) => m.topic === 'analysis.completed' && m.data.session === id)!.data.report).toBe(done.report_id);
    }
  });

  it('confidence_threshold is that session\'s counting threshold: a higher one counts fewer detections', async () => {
    const r = await client('/api/v1/video/analyze', json('POST', { source_type: 'file', source_path: CAMPUS, duration: null, confidence_threshold: 0.9 }, {}));
    expect(r.status).toBe(202);
    const id = statusSchema.parse(await r.json()).session_id;
    const strict = await pollUntilDone(id, []);
    expect(strict.confidence_threshold).toBe(0.9);
    const loose = analyses.file.done;
    expect(strict.result!.frames).toBe(loose.result!.frames);
    expect(strict.result!.detections.person?.detections ?? 0).toBeLessThan(loose.result!.detections.person!.detections);
    expect((await native<NativeSession>(`/api/v1/sessions/${id}`)).count_threshold).toBe(0.9);
  }, 150_000);

  it("a file's duration analyses its first seconds only", async () => {
    const r = await client('/api/v1/video/analyze', json('POST', { source_type: 'file', source_path: CAMPUS, duration: 1, confidence_threshold: 0.5 }, {}));
    expect(r.status).toBe(202);
    const done = await pollUntilDone(statusSchema.parse(await r.json()).session_id, []);
    expect(done).toMatchObject({ status: 'completed', progress: 100, duration: 1 });
    // 1 s at 25 fps: frames 0-24.
    expect(done.result!.frames).toBe(25);
  }, 60_000);

  it('a stream without a duration runs until cancelled, and then completes with its report', async () => {
    const r = await client('/api/v1/video/analyze', json('POST', { source_type: 'stream', source_path: rtsp.url, duration: null, confidence_threshold: 0.5 }, {}));
    expect(r.status).toBe(202);
    const started = statusSchema.parse(await r.json());
    expect(started.duration).toBe(MAX_STREAM_SECONDS);
    const id = started.session_id;
    await waitFor('processing for 2 s', async () => {
      const s = statusSchema.parse(await (await client(`/api/v1/video/analyze/${id}`)).json());
      return s.status === 'processing' && s.progress >= Math.floor((100 * 2) / MAX_STREAM_SECONDS) ? s : undefined;
    }, 60_000, 250);
    // Sessions run one at a time: a file asked for meanwhile waits, queued, and runs after the stream.
    const next = statusSchema.parse(await (await client('/api/v1/video/analyze', json('POST', { source_type: 'file', source_path: CAMPUS, duration: 1 }, {}))).json());
    expect(next).toMatchObject({ status: 'queued', progress: 0 });
    expect(statusSchema.parse(await (await client(`/api/v1/video/analyze/${next.session_id}`)).json()).status).toBe('queued');
    const cancelled = await fetch(`${base}/api/v1/sessions/${id}/cancel`, { method: 'POST', headers: admin });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as NativeSession).status).toBe('completed');
    const done = statusSchema.parse(await (await client(`/api/v1/video/analyze/${id}`)).json());
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    const report = await native<NativeReport>(`/api/v1/reports/${done.report_id}`);
    const span = (Date.parse(report.body.to) - Date.parse(report.body.from)) / 1000;
    expect(span).toBeGreaterThanOrEqual(2);
    expect(span).toBeLessThan(MAX_STREAM_SECONDS);
    expect((await client(`/api/v1/reports/sessions/${id}/analytics`)).status).toBe(200);
    expect((await pollUntilDone(next.session_id, [])).status).toBe('completed');
  }, 120_000);

  it('a stream that cannot be opened fails with the reason, on the status route and the live socket', async () => {
    const url = `rtsp://127.0.0.1:${await freePort()}/nobody-here`;
    const r = await client('/api/v1/video/analyze', json('POST', { source_type: 'stream', source_path: url, duration: 5 }, {}));
    expect(r.status).toBe(202);
    const id = statusSchema.parse(await r.json()).session_id;
    const failed = await pollUntilDone(id, []);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain(url);
    expect(failed.result).toBeNull();
    await waitFor('analysis.failed', () => live.find((m) => m.topic === 'analysis.failed' && m.data.session === id));
    expect((await client(`/api/v1/reports/sessions/${id}/analytics`)).status).toBe(409);
  }, 60_000);
});

describe('refusals', () => {
  it('a wrong or missing key is 401; a key without the scope is 403', async () => {
    const { id } = (await native<{ sessions: NativeSession[] }>('/api/v1/sessions')).sessions.find((s) => s.status === 'completed')!;
    const body = json('POST', { source_type: 'file', source_path: CAMPUS }, {});
    const calls: Array<[string, RequestInit]> = [
      ['/api/v1/video/analyze', body],
      [`/api/v1/video/analyze/${id}`, {}],
      [`/api/v1/reports/sessions/${id}/analytics`, {}],
      [`/api/v1/reports/sessions/${id}/heatmap`, {}],
      ['/api/v1/reports/generate', json('POST', { session_id: id }, {})],
    ];
    for (const [path, init] of calls) {
      expect((await fetch(`${base}${path}`, init)).status, `${path} without a key`).toBe(401);
      expect((await client(path, init, 'vtg_not-a-real-key')).status, `${path} with a wrong key`).toBe(401);
    }
    // The header name is case-insensitive.
    expect((await fetch(`${base}/api/v1/video/analyze/${id}`, { headers: { 'x-api-key': clientKey } })).status).toBe(200);
    // reports:read alone may read but not start analyses or store reports; analysis:run alone the reverse.
    expect((await client(calls[0]![0], calls[0]![1], reportsOnlyKey)).status).toBe(403);
    expect((await client(calls[4]![0], calls[4]![1], reportsOnlyKey)).status).toBe(403);
    for (const [path, init] of calls.slice(1, 4)) {
      expect((await client(path, init, reportsOnlyKey)).status, path).toBe(200);
      expect((await client(path, init, runOnlyKey)).status, path).toBe(403);
    }
  });

  it('a bad body or query is a 400 naming the field; nothing is created', async () => {
    const before = (await native<{ sessions: NativeSession[] }>('/api/v1/sessions')).sessions.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ source_type: 'ftp', source_path: CAMPUS }, 'source_type'],
      [{ source_path: CAMPUS }, 'source_type'],
      [{ source_type: 'file' }, 'source_path'],
      [{ source_type: 'file', source_path: 'relative/clip.mp4' }, 'source_path'],
      [{ source_type: 'file', source_path: '/no/such/clip.mp4' }, 'source_path'],
      // A file that exists, outside the media folders (the source policy cameras follow).
      [{ source_type: 'file', source_path: '/etc/hostname' }, 'source_path'],
      [{ source_type: 'stream', source_path: 'file:///etc/passwd' }, 'source_path'],
      [{ source_type: 'stream', source_path: 'concat:/a.mp4|/b.mp4' }, 'source_path'],
      [{ source_type: 'stream', source_path: 'tcp://127.0.0.1:9?listen=1' }, 'source_path'],
      [{ source_type: 'stream', source_path: '-i /etc/passwd' }, 'source_path'],
      [{ source_type: 'stream', source_path: CAMPUS }, 'source_path'],
      [{ source_type: 'stream', source_path: rtsp.url, duration: MAX_STREAM_SECONDS + 1 }, 'duration'],
      [{ source_type: 'stream', source_path: rtsp.url, duration: 0 }, 'duration'],
      [{ source_type: 'stream', source_path: rtsp.url, duration: '10' }, 'duration'],
      [{ source_type: 'file', source_path: CAMPUS, confidence_threshold: 0.04 }, 'confidence_threshold'],
      [{ source_type: 'file', source_path: CAMPUS, confidence_threshold: 0.96 }, 'confidence_threshold'],
      [{ source_type: 'file', source_path: CAMPUS, callback: 'x' }, 'callback'],
    ];
    for (const [b, field] of cases) {
      const r = await client('/api/v1/video/analyze', json('POST', b, {}));
      expect(r.status, JSON.stringify(b)).toBe(400);
      const err = (await r.json()) as { error: { fields: Array<{ field: string }> } };
      expect(err.error.fields.map((f) => f.field), JSON.stringify(b)).toContain(field);
    }
    expect((await native<{ sessions: NativeSession[] }>('/api/v1/sessions')).sessions.length).toBe(before);

    const { id } = (await native<{ sessions: NativeSession[] }>('/api/v1/sessions')).sessions.find((s) => s.status === 'completed')!;
    for (const [q, field] of [['width=0', 'width'], ['height=5000', 'height'], ['width=1e2', 'width']] as const) {
      const r = await client(`/api/v1/reports/sessions/${id}/heatmap?${q}`);
      expect(r.status, q).toBe(400);
      expect(JSON.stringify(await r.json()), q).toContain(`"field":"${field}"`);
    }
    for (const [b, field] of [[{ session_id: id, report_type: 'everything' }, 'report_type'], [{ session_id: id, include_heatmap: 'yes' }, 'include_heatmap'], [{}, 'session_id']] as const) {
      const r = await client('/api/v1/reports/generate', json('POST', b, {}));
      expect(r.status, JSON.stringify(b)).toBe(400);
      expect(JSON.stringify(await r.json())).toContain(`"field":"${field}"`);
    }
    const unknown = await client('/api/v1/reports/generate', json('POST', { session_id: 'no-such-session' }, {}));
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(await unknown.json())).toContain('"field":"session_id"');
    expect((await client('/api/v1/video/analyze/no-such-session')).status).toBe(404);
    expect((await client('/api/v1/reports/sessions/no-such-session/analytics')).status).toBe(404);
  });
});
