/**
 * Recordings (issue 17) with real parts: a GStreamer RTSP server serving H.264 like an IP camera, the
 * appliance recording it with ffmpeg (-c copy) in continuous and events mode for over a minute, clips
 * and thumbnails of real line crossings, ffprobe checking timestamps and frames, a disk share enforced
 * on a small tmpfs, and the daemon SIGKILLed while writing a segment then restarted.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { STADTMITTE, api, childPids, freePort, processAlive, signIn, startCli, tempDir, waitFor } from './helpers.js';
import { startRtspServer, stopAllRtspServers, type RtspServer } from './rtsp-server.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Recording time of the long suites: over a minute, as the issue asks. */
const RECORD_MS = 65_000;
const PRE = 2;
const POST = 2;
/** A line across the middle that Stadtmitte's pedestrians cross. */
const LINE = { id: 'mid', points: [[0.5, 0.05], [0.5, 0.95]] as [number, number][] };

interface Listing {
  camera: string;
  from: number;
  to: number;
  segments: Array<{ id: number; start: number; end: number; bytes: number }>;
  gaps: Array<{ from: number; to: number }>;
}

/**
 * Stadtmitte (7.2 s of pedestrians) then 20 s of its last frame frozen, H.264 with a key frame every
 * second, looped 6 times (163 s): crossings happen only in the first 7.2 s of every 27.2 s, so events
 * mode has stretches to drop.
 */
function burstyClip(dir: string): string {
  const once = join(dir, 'bursty-once.mp4');
  const long = join(dir, 'bursty.mp4');
  const run = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { timeout: 120_000 });
  run(['-i', STADTMITTE, '-an', '-vf', 'tpad=stop_mode=clone:stop_duration=20', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', once]);
  run(['-stream_loop', '5', '-i', once, '-c', 'copy', long]);
  return long;
}

const run = promisify(execFile);

/** Packet pts (seconds) and durations of a file's video, in file order (async: the appliance runs in this process). */
async function packets(file: string): Promise<Array<{ pts: number; dur: number }>> {
  const { stdout: out } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l.split(','))
    .map(([p, d]) => ({ pts: Number(p), dur: Number(d) }));
}

/** Decoded frame timestamps (seconds) of a video, as a player shows them. */
async function frameTimes(file: string, headers?: string): Promise<number[]> {
  const args = ['-v', 'error', ...(headers ? ['-headers', headers] : []), '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time', '-of', 'csv=p=0', file];
  const { stdout } = await run('ffprobe', args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  // A frame with side data gets more columns (and a line of its own): the time is each line's first field.
  return stdout.split('\n').map((l) => l.split(',')[0]!.trim()).filter((x) => x !== '').map(Number);
}

async function appWith(cameras: unknown[], storageDir: string, extra: Record<string, unknown> = {}): Promise<{ app: Appliance; base: string }> {
  const config = validateConfig({
    http: { host: '127.0.0.1', port: 0 },
    storage: { path: join(storageDir, 'vantage.db'), media_dirs: [storageDir], ...extra },
    detector: { threads: 1 },
    cameras,
  });
  const app = new Appliance(config, silentLogger());
  await app.start();
  return { app, base: `http://127.0.0.1:${app.address!.port}` };
}

const listing = async (base: string, camera: string, from: number, to: number): Promise<Listing> => {
  const r = await api(`${base}/api/v1/cameras/${camera}/recordings?from=${from}&to=${to}`);
  expect(r.status).toBe(200);
  return (await r.json()) as Listing;
};

afterAll(async () => {
  await stopAllRtspServers();
});

describe('an RTSP camera recorded continuously and by events for over a minute', () => {
  let server: RtspServer;
  let app: Appliance;
  let base: string;
  let dir: string;
  let t0: number;
  let t1: number;

  beforeAll(async () => {
    dir = tempDir('vantage-rec-');
    server = await startRtspServer({ clip: burstyClip(dir) });
    const cam = { source: server.url, rtsp_transport: 'tcp', lines: [LINE], detect_every: 2 };
    ({ app, base } = await appWith(
      [
        { ...cam, id: 'cont', record: { mode: 'continuous', pre_seconds: PRE, post_seconds: POST } },
        { ...cam, id: 'evt', record: { mode: 'events', pre_seconds: PRE, post_seconds: POST } },
      ],
      dir,
    ));
    // An alert on every crossing of the continuous camera's line: its notifications get clips too.
    const rule = await api(`${base}/api/v1/alert-rules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'crossing', type: 'line_count', camera: 'cont', line: 'mid', over: 0, window_seconds: 60, cooldown_seconds: 0, channels: ['mqtt'] }) });
    expect(rule.status, await rule.clone().text()).toBe(201);
    // Timed from when both cameras record (starting the RTSP sessions can take a while on a loaded machine).
    for (const id of ['cont', 'evt']) {
      await waitFor(`${id} records`, () => (existsSync(join(dir, 'recordings', id)) && readdirSync(join(dir, 'recordings', id)).length > 1 ? true : undefined), 60_000);
    }
    t0 = Date.now();
    await sleep(RECORD_MS);
    t1 = Date.now();
  }, RECORD_MS + 180_000);
  afterAll(async () => {
    await app?.stop();
    await server?.stop();
  });

  it('continuous: ~4 s segments cover the time without gaps, timestamps continuous across every boundary', async () => {
    const l = await listing(base, 'cont', t0 - 60_000, t1);
    expect(l.segments.length, `segments in ${RECORD_MS} ms`).toBeGreaterThanOrEqual(Math.floor(RECORD_MS / 4500));
    const first = l.segments[0]!;
    const last = l.segments[l.segments.length - 1]!;
    expect(first.start - t0, 'recording started before the timed span').toBeLessThan(0);
    expect(t1 - last.end, 'the newest segment ended within 10 s').toBeLessThan(10_000);
    // Between the first segment's start and the last one's end nothing is missing.
    expect(l.gaps.filter((g) => g.from >= first.start && g.to <= last.end)).toEqual([]);
    for (const s of l.segments.slice(0, -1)) expect(s.end - s.start, `segment ${s.id} length`).toBeGreaterThan(3000);
    // Timestamps: each segment's first packet follows the previous segment's last packet by one frame.
    const db = new Database(join(dir, 'vantage.db'), { readonly: true });
    const rows = db.prepare("SELECT id, path, run FROM recording_segments WHERE camera_id = 'cont' ORDER BY start_ms").all() as Array<{ id: number; path: string; run: number }>;
    db.close();
    let checked = 0;
    for (let i = 1; i < rows.length; i++) {
      if (rows[i]!.run !== rows[i - 1]!.run) continue;
      const a = await packets(join(dir, 'recordings', rows[i - 1]!.path));
      const b = await packets(join(dir, 'recordings', rows[i]!.path));
      const end = a[a.length - 1]!;
      expect(Math.abs(b[0]!.pts - (end.pts + end.dur)), `pts step between ${rows[i - 1]!.path} and ${rows[i]!.path}`).toBeLessThan(0.002);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(Math.floor(RECORD_MS / 4500) - 2);
  }, 240_000);

  it('continuous: the HLS VOD playlist plays in ffmpeg through the segment URIs, every frame of the span', async () => {
    const l = await listing(base, 'cont', t0 - 60_000, t1);
    const r = await api(`${base}/api/v1/cameras/cont/vod.m3u8?from=${l.segments[0]!.start}&to=${t1}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('mpegurl');
    const text = await r.text();
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(text.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const uris = text.split('\n').filter((x) => x.startsWith('/api/v1/recordings/segments/'));
    expect(uris).toEqual(l.segments.map((s) => `/api/v1/recordings/segments/${s.id}.ts`));
    const token = await signIn(base);
    const times = await frameTimes(`${base}/api/v1/cameras/cont/vod.m3u8?from=${l.segments[0]!.start}&to=${t1}`, `Authorization: Bearer ${token}\r\n`);
    const seconds = (l.segments[l.segments.length - 1]!.end - l.segments[0]!.start) / 1000;
    // 25 fps: every frame of the recorded span decodes (a frame per boundary of slack).
    expect(times.length).toBeGreaterThanOrEqual(Math.floor(seconds * 25) - l.segments.length);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `frame ${i} step`).toBeLessThan(0.05);
  }, 120_000);

  it('events mode keeps only the segments around line crossings, and deletes the rest', async () => {
    const events = (await (await api(`${base}/api/v1/events?camera=evt&type=line.cross&from=${Math.floor(t0 / 1000) - 5}&to=${Math.ceil(Date.now() / 1000)}&limit=500`)).json()) as { events: Array<{ id: number; time: string }> };
    expect(events.events.length, 'line crossings on the events camera').toBeGreaterThan(0);
    const times = events.events.map((e) => Date.parse(e.time));
    // Segments that housekeeping has judged (ended more than pre + 15 s + a tick ago) each hold an event's window.
    const judged = Date.now() - PRE * 1000 - 15_000 - 10_000;
    const evt = await listing(base, 'evt', t0 - 60_000, judged);
    const cont = await listing(base, 'cont', t0 - 60_000, judged);
    const old = evt.segments.filter((s) => s.end < judged);
    for (const s of old) {
      expect(times.some((t) => t - PRE * 1000 < s.end && t + POST * 1000 > s.start), `segment ${s.start}-${s.end} overlaps an event window`).toBe(true);
    }
    const span = (x: Listing) => x.segments.filter((s) => s.end < judged).reduce((a, s) => a + s.end - s.start, 0);
    expect(span(evt), 'events mode keeps less than continuous').toBeLessThan(span(cont) * 0.8);
    expect(old.length, 'some segments kept').toBeGreaterThan(0);
    // Every crossing whose window is judged is still covered by recordings.
    for (const t of times.filter((t) => t + POST * 1000 < judged - 5000 && t - PRE * 1000 > evt.segments[0]!.start)) {
      const covered = evt.segments.filter((s) => s.end > t - PRE * 1000 && s.start < t + POST * 1000).reduce((a, s) => a + Math.min(s.end, t + POST * 1000) - Math.max(s.start, t - PRE * 1000), 0);
      expect(covered, `window of the crossing at ${t}`).toBeGreaterThanOrEqual((PRE + POST) * 1000 - 600);
    }
  });

  it("a line crossing's clip contains its moment and starts pre_seconds before it (decoded frame times); Range seeks", async () => {
    const events = (await (await api(`${base}/api/v1/events?camera=evt&type=line.cross&from=${Math.floor(t0 / 1000)}&to=${Math.ceil(Date.now() / 1000)}&limit=500`)).json()) as { events: Array<{ id: number; time: string }> };
    const ev = events.events.find((e) => Date.parse(e.time) + POST * 1000 < Date.now() - 12_000 && Date.parse(e.time) - PRE * 1000 > t0 + 8000);
    expect(ev, 'a crossing with its post roll recorded').toBeDefined();
    const ts = Date.parse(ev!.time);
    const r = await api(`${base}/api/v1/events/${ev!.id}/clip.mp4`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await r.arrayBuffer());
    const start = Number(r.headers.get('x-clip-start'));
    // Starts at the key frame at or before the pre roll (a key frame every second in this stream).
    expect(start).toBeLessThanOrEqual(ts - PRE * 1000 + 1);
    expect(start).toBeGreaterThan(ts - PRE * 1000 - 1100);
    const file = join(dir, 'clip.mp4');
    writeFileSync(file, bytes);
    const times = await frameTimes(file);
    const at = (ts - start) / 1000;
    expect(times[0]!).toBeLessThan(0.05);
    expect(times[times.length - 1]!).toBeGreaterThanOrEqual(at + POST - 0.2);
    expect(times.some((t) => Math.abs(t - at) < 0.05), 'a decoded frame at the crossing').toBe(true);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThan(0.05);
    // Stream copy: the same codec and size as the camera sends.
    const probe = (await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' })).stdout.trim();
    expect(probe).toBe('h264,640,480');
    // Range: the middle of the clip, and past its end.
    const part = await api(`${base}/api/v1/events/${ev!.id}/clip.mp4`, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    expect((await api(`${base}/api/v1/events/${ev!.id}/clip.mp4`, { headers: { range: `bytes=${bytes.length}-` } })).status).toBe(416);
    // The thumbnail: the frame with the object's box drawn (yellow pixels), 640×480.
    const th = await api(`${base}/api/v1/events/${ev!.id}/thumb.jpg`);
    expect(th.status, th.status === 200 ? '' : await th.clone().text()).toBe(200);
    const { data, info } = await sharp(Buffer.from(await th.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([640, 480]);
    let yellow = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 200 && data[i + 1]! > 160 && data[i + 1]! < 235 && data[i + 2]! < 80) yellow++;
    expect(yellow, 'box pixels').toBeGreaterThan(100);
  });

  it("an alert's clip (GET /notifications/:id/clip.mp4) holds its pre and post roll", async () => {
    const list = (await (await api(`${base}/api/v1/notifications?camera=cont&limit=500`)).json()) as { notifications: Array<{ id: number; time: string }> };
    const n = list.notifications.find((x) => Date.parse(x.time) + POST * 1000 < Date.now() - 12_000 && Date.parse(x.time) - PRE * 1000 > t0);
    expect(n, `an alert with its post roll recorded (of ${list.notifications.length})`).toBeDefined();
    const ts = Date.parse(n!.time);
    const r = await api(`${base}/api/v1/notifications/${n!.id}/clip.mp4`);
    expect(r.status, r.status === 200 ? '' : await r.clone().text()).toBe(200);
    const start = Number(r.headers.get('x-clip-start'));
    expect(start).toBeLessThanOrEqual(ts - PRE * 1000 + 1);
    expect(start).toBeGreaterThan(ts - PRE * 1000 - 1100);
    const file = join(dir, `alert-${n!.id}.mp4`);
    writeFileSync(file, Buffer.from(await r.arrayBuffer()));
    const times = await frameTimes(file);
    expect(times[times.length - 1]! - times[0]!, 'seconds of video').toBeGreaterThanOrEqual((ts + POST * 1000 - start) / 1000 - 0.2);
  }, 120_000);

  it('answers 4xx naming the field for bad parameters, 404 for what is not recorded', async () => {
    const bad = async (path: string, field: string, status = 400) => {
      const r = await api(`${base}${path}`);
      expect(r.status, path).toBe(status);
      expect(await r.text(), path).toContain(field);
    };
    await bad('/api/v1/cameras/cont/recordings?from=abc', 'from');
    await bad('/api/v1/cameras/cont/recordings?from=10&to=5', 'to');
    await bad(`/api/v1/cameras/cont/recordings?from=0&to=${Date.now()}`, 'from');
    await bad('/api/v1/cameras/cont/recordings?from=1e3', 'from');
    await bad('/api/v1/cameras/cont/recordings?to=99999999999999999', 'to');
    await bad('/api/v1/cameras/cont/recordings?from=1&bogus=1', 'bogus');
    await bad('/api/v1/cameras/cont/vod.m3u8?from=1&to=99999999', 'from');
    await bad('/api/v1/recordings/segments/0', 'id');
    await bad('/api/v1/recordings/segments/x', 'id');
    await bad('/api/v1/events/-1/clip.mp4', 'id');
    await bad('/api/v1/recordings/segments/99999999', 'no recording segment', 404);
    await bad('/api/v1/events/99999999/clip.mp4', 'no event 99999999', 404);
    await bad('/api/v1/notifications/99999999/clip.mp4', 'no notification', 404);
    await bad('/api/v1/cameras/nope/recordings', 'no camera', 404);
    await bad(`/api/v1/cameras/cont/vod.m3u8?from=1000&to=2000`, 'no recording', 404);
    const seg = (await listing(base, 'cont', t0 - 60_000, Date.now())).segments[0]!;
    const whole = Buffer.from(await (await api(`${base}/api/v1/recordings/segments/${seg.id}`)).arrayBuffer());
    expect(whole.length).toBe(seg.bytes);
    expect(whole[0]).toBe(0x47); // an MPEG-TS sync byte
    const tail = await api(`${base}/api/v1/recordings/segments/${seg.id}`, { headers: { range: 'bytes=-188' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(whole.length - 188))).toBe(true);
  });

  it('viewers may watch; an API key needs recordings:read', async () => {
    const post = (path: string, body: unknown) => api(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/api/v1/users', { username: 'watcher', password: 'a long test passphrase', role: 'viewer' })).status).toBe(201);
    const viewer = await signIn(base, { username: 'watcher', password: 'a long test passphrase' });
    const seg = (await listing(base, 'cont', t0 - 60_000, Date.now())).segments[0]!;
    const paths = ['/api/v1/cameras/cont/recordings', `/api/v1/recordings/segments/${seg.id}`, `/api/v1/cameras/cont/vod.m3u8?from=${seg.start}&to=${seg.end}`];
    for (const p of paths) expect((await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${viewer}` } })).status, `viewer ${p}`).toBe(200);
    const key = async (scopes: string[]) => ((await (await post('/api/v1/api-keys', { name: `k-${scopes.join('-')}`, scopes })).json()) as { key: string }).key;
    const without = await key(['cameras:read', 'events:read']);
    const withScope = await key(['recordings:read']);
    for (const p of paths) {
      expect((await fetch(`${base}${p}`, { headers: { 'x-api-key': without } })).status, `key without recordings:read ${p}`).toBe(403);
      expect((await fetch(`${base}${p}`, { headers: { 'x-api-key': withScope } })).status, `key with recordings:read ${p}`).toBe(200);
    }
    expect((await fetch(`${base}${paths[0]}`)).status, 'nobody').toBe(401);
  });
});

describe('disk share on a small tmpfs (file camera)', () => {
  let dir: string;
  let mounted = false;
  let app: Appliance | undefined;

  beforeAll(() => {
    dir = tempDir('vantage-rec-tmpfs-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dir]);
    mounted = true;
  });
  afterAll(async () => {
    await app?.stop();
    if (mounted) execFileSync('umount', [dir]);
  });

  it('keeps the recordings under max_share_of_disk, deleting the oldest; index and files agree', async () => {
    const clipDir = tempDir('vantage-rec-clip-');
    const clip = burstyClip(clipDir);
    // The disk guard's own threshold is off here: only the share is under test.
    const config = validateConfig({
      http: { host: '127.0.0.1', port: 0 },
      storage: { path: join(dir, 'vantage.db'), media_dirs: [clipDir], min_free_mb: 0 },
      detector: { threads: 1 },
      cameras: [{ id: 'file', source: clip, loop: true, detect_every: 5, record: { mode: 'continuous', max_share_of_disk: 0.25 } }],
    });
    app = new Appliance(config, silentLogger());
    await app.start();
    const base = `http://127.0.0.1:${app.address!.port}`;
    const budget = 0.25 * 24 * 2 ** 20;
    const t0 = Date.now();
    // About 0.2 MB/s: the budget (6 MiB) fills in ~30 s; keep recording well past it.
    await sleep(55_000);
    const l = await listing(base, 'file', t0 - 60_000, Date.now());
    const total = l.segments.reduce((a, s) => a + s.bytes, 0);
    expect(total, 'recorded bytes').toBeLessThanOrEqual(budget);
    expect(total, 'recorded bytes').toBeGreaterThan(budget * 0.6);
    const files = readdirSync(join(dir, 'recordings', 'file')).filter((f) => f.endsWith('.ts')).sort();
    const db = new Database(join(dir, 'vantage.db'), { readonly: true });
    const rows = (db.prepare("SELECT path FROM recording_segments WHERE camera_id = 'file'").all() as Array<{ path: string }>).map((r) => r.path.split('/')[1]!);
    db.close();
    // One recorder run numbers its segments 0, 1, 2 …: the oldest went first, the newest are all kept.
    const numbers = rows.map((r) => Number(/-(\d+)\.ts$/.exec(r)![1])).sort((a, b) => a - b);
    expect(numbers[0], 'the oldest segments were deleted').toBeGreaterThan(0);
    expect(numbers, 'a contiguous run of the newest').toEqual(numbers.map((_, i) => numbers[0]! + i));
    // The file being written is not indexed yet; every indexed one exists.
    for (const r of rows) expect(files).toContain(r);
    expect(files.length - rows.length).toBeLessThanOrEqual(1);
  }, 180_000);
});

describe('SIGKILL while writing a segment, then restart', () => {
  it('repairs: the index and the files agree, and the recording still plays', async () => {
    const dir = tempDir('vantage-rec-kill-');
    const server = await startRtspServer();
    const port = await freePort();
    const cfg = join(dir, 'config.yaml');
    writeFileSync(cfg, `http:\n  port: ${port}\nstorage:\n  path: ${join(dir, 'v.db')}\ndetector:\n  threads: 1\ncameras:\n  - id: cam\n    source: ${server.url}\n    detect_every: 5\n    record:\n      mode: continuous\n`);
    const base = `http://127.0.0.1:${port}`;
    const files = () => readdirSync(join(dir, 'recordings', 'cam')).filter((f) => !f.startsWith('.')).sort();
    let child = startCli(['run', '--config', cfg]);
    try {
      await waitFor('readyz', async () => ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
      await waitFor('three segments', async () => ((await listing(base, 'cam', Date.now() - 600_000, Date.now())).segments.length >= 3 ? true : undefined), 60_000);
      // Kill in the middle of a segment (~2 s after one finished).
      const before = (await listing(base, 'cam', Date.now() - 600_000, Date.now())).segments.length;
      await waitFor('next segment', async () => ((await listing(base, 'cam', Date.now() - 600_000, Date.now())).segments.length > before ? true : undefined), 20_000, 100);
      await sleep(2000);
      const kids = childPids(child.pid!);
      child.kill('SIGKILL');
      await waitFor('daemon gone', () => (processAlive(child.pid!) ? undefined : true), 10_000);
      // Its ffmpegs die with it (the recorder's stdout breaks within a second).
      await waitFor('children gone', () => (kids.some(processAlive) ? undefined : true), 10_000);
      const onDisk = files();
      const db = new Database(join(dir, 'v.db'), { readonly: true });
      const indexed = (db.prepare('SELECT path FROM recording_segments').all() as Array<{ path: string }>).map((r) => r.path.split('/')[1]!);
      db.close();
      const stray = onDisk.filter((f) => !indexed.includes(f));
      expect(stray.length, 'the segment being written is on disk, not in the index').toBeGreaterThanOrEqual(1);
      // A power cut leaves the last write half done: cut the segment mid-packet; and a file that holds no video.
      const cut = join(dir, 'recordings', 'cam', stray[0]!);
      truncateSync(cut, Math.floor(statSync(cut).size * 0.6) + 77);
      writeFileSync(join(dir, 'recordings', 'cam', '1-000001.ts'), Buffer.alloc(5000, 7));

      child = startCli(['run', '--config', cfg]);
      await waitFor('readyz after restart', async () => ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
      const db2 = new Database(join(dir, 'v.db'), { readonly: true });
      const rows = db2.prepare('SELECT id, path, start_ms, end_ms FROM recording_segments ORDER BY start_ms').all() as Array<{ id: number; path: string; start_ms: number; end_ms: number }>;
      db2.close();
      for (const r of rows) expect(existsSync(join(dir, 'recordings', r.path)), r.path).toBe(true);
      expect(existsSync(join(dir, 'recordings', 'cam', '1-000001.ts')), 'the file without video is deleted').toBe(false);
      expect(rows.map((r) => r.path.split('/')[1]).sort(), 'index = files').toEqual(files().filter((f) => rows.some((r) => r.path === `cam/${f}`)).sort());
      // The interrupted segment was remuxed and indexed (it held video), not lost.
      for (const f of stray) expect(rows.some((r) => r.path === `cam/${f}`), `repaired ${f}`).toBe(true);
      const repaired = rows.find((r) => r.path === `cam/${stray[0]}`)!;
      const seg = await api(`${base}/api/v1/recordings/segments/${repaired.id}`);
      expect(seg.status).toBe(200);
      const file = join(dir, 'repaired.ts');
      writeFileSync(file, Buffer.from(await seg.arrayBuffer()));
      expect((await frameTimes(file)).length, 'frames in the repaired segment').toBeGreaterThan(10);
      const token = await signIn(base);
      const from = rows[0]!.start_ms;
      const to = repaired.end_ms;
      const times = await frameTimes(`${base}/api/v1/cameras/cam/vod.m3u8?from=${from}&to=${to}`, `Authorization: Bearer ${token}\r\n`);
      expect(times.length, 'frames of the playlist up to the crash').toBeGreaterThan(((to - from) / 1000) * 25 * 0.9);
    } finally {
      child.kill('SIGKILL');
      await server.stop();
    }
  }, 240_000);
});
