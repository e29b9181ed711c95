import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { createLogger, silentLogger } from '../src/logger.js';
import { STOP_DEADLINE_MS } from '../src/cli/run.js';
import type { CameraView } from '../src/api/types.js';
import { cameraStops, logLines, stopTimes, storedCounts, type LogLine } from './stop-kit.js';
import { CAMPUS, MEDIA, childPids, freePort, processAlive, runCli, startCli, tempDir, waitFor, api } from './helpers.js';

describe('file → detector → SQLite → API, in process', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'vantage.db');
  let app: Appliance;
  let base: string;
  const logged: string[] = [];

  beforeAll(async () => {
    const config = validateConfig({
      http: { host: '127.0.0.1', port: 0 },
      storage: { path: dbPath, media_dirs: [MEDIA, dir] },
      detector: { threads: 1 },
      cameras: [
        { id: 'campus', name: 'Campus', source: CAMPUS, loop: true, realtime: true },
        { id: 'broken', source: join(dir, 'no-such-clip.mp4') },
        { id: 'off', source: CAMPUS, enabled: false },
      ],
    });
    // Its log lines are kept: the stop's own account (each camera's frames, the phases) is checked against the file.
    app = new Appliance(config, createLogger('info', { write: (line: string) => void logged.push(line) }));
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => app?.stop());

  const cameras = async (): Promise<CameraView[]> => ((await (await api(`${base}/api/v1/cameras`)).json()) as { cameras: CameraView[] }).cameras;

  it('serves health, readiness and the dashboard', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true }, model: { ok: true } } });
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Vantage</title>');
    const missing = await api(`${base}/api/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
  });

  it('shows the sample camera online with fps > 0, the broken one offline with its error, one failure not affecting the other', async () => {
    const cams = await waitFor('campus online with fps', async () => {
      const c = await cameras();
      return c.find((x) => x.id === 'campus')!.fps > 0 && c.find((x) => x.id === 'broken')!.lastError ? c : undefined;
    });
    const campus = cams.find((c) => c.id === 'campus')!;
    expect(campus).toMatchObject({ name: 'Campus', status: 'online', width: 640, height: 480 });
    expect(campus.fps).toBeGreaterThan(15);
    expect(campus.fps).toBeLessThan(35); // realtime pacing at the clip's 25 fps
    const broken = cams.find((c) => c.id === 'broken')!;
    expect(broken.status).toBe('offline');
    expect(broken.lastError).toContain('no-such-clip.mp4');
    expect(cams.find((c) => c.id === 'off')!.status).toBe('disabled');
  });

  it('counts frames in /metrics, rising over time', async () => {
    const read = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const m = /vantage_frames_inferred_total\{camera="campus"\} (\d+)/.exec(text);
      return { text, inferred: Number(m?.[1] ?? 0) };
    };
    const a = await read();
    await new Promise((r) => setTimeout(r, 600));
    const b = await read();
    expect(b.inferred).toBeGreaterThan(a.inferred);
    expect(b.text).toMatch(/vantage_frames_decoded_total\{camera="campus"\} [1-9]/);
    expect(b.text).toMatch(/vantage_inference_seconds_bucket\{le="\+Inf",camera="campus"\} [1-9]/);
    expect(b.text).toMatch(/vantage_inference_seconds_count\{camera="campus"\} [1-9]/);
    expect(b.text).toContain('vantage_camera_up{camera="broken"} 0');
  });

  it('writes per-second detection counts to SQLite and serves them, validating the query', async () => {
    const rows = await waitFor('flushed detection rows', async () => {
      const body = (await (await api(`${base}/api/v1/cameras/campus/detections`)).json()) as { rows: Array<{ class_name: string; frames: number; detections: number }> };
      return body.rows.filter((r) => r.class_name === 'person').length >= 2 ? body.rows : undefined;
    });
    const person = rows.filter((r) => r.class_name === 'person');
    expect(person.every((r) => r.frames > 0 && r.frames <= 30 && r.detections >= 1)).toBe(true);
    const bad = await api(`${base}/api/v1/cameras/campus/detections?from=abc`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'ERR_BAD_REQUEST', fields: [{ field: 'from' }] } });
    expect((await api(`${base}/api/v1/cameras/nope/detections`)).status).toBe(404);
  });

  it('tracks people: active tracks in the camera view and /metrics, ids handed out once confirmed', async () => {
    const cam = await waitFor('active tracks', async () => (await cameras()).find((c) => c.id === 'campus' && c.activeTracks >= 2));
    expect(cam.activeTracks).toBeLessThanOrEqual(8); // TUD-Campus has at most 8 people in view
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/vantage_tracks_total\{camera="campus",class="person"\} [1-9]/);
    expect(text).toMatch(/vantage_camera_tracks_active\{camera="campus"\} [1-9]/);
    const bad = await api(`${base}/api/v1/cameras/campus/tracks?limit=0`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { fields: [{ field: 'limit' }] } });
  });

  it('reports the system and the model', async () => {
    const sys = (await (await api(`${base}/api/v1/system`)).json()) as { version: string; uptime_seconds: number; cpu: { cores: number }; memory: { rss_mb: number }; disk: { free_mb: number }; cameras: Array<{ id: string; status: string }> };
    expect(sys.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(sys.cpu.cores).toBeGreaterThanOrEqual(1);
    expect(sys.memory.rss_mb).toBeGreaterThan(10);
    expect(sys.disk.free_mb).toBeGreaterThan(0);
    expect((sys as unknown as { outbox: unknown }).outbox).toEqual({ messages: 0, oldestAgeSeconds: 0, dropped: 0, mqtt_connected: false, mqtt_configured: false, mqtt_error: null, mqtt_error_code: null, mqtt_error_params: null });
    expect(sys.cameras.map((c) => c.id)).toEqual(['campus', 'broken', 'off']);
    const { models } = (await (await api(`${base}/api/v1/models`)).json()) as { models: Array<{ name: string; classes: string[]; input: { width: number }; provider: string; inference_ms: number }> };
    expect(models[0]).toMatchObject({ name: 'yolox-nano-any', provider: 'cpu', input: { width: 416 } }); // the default: any input size, planned per camera
    expect(models[0]!.classes).toHaveLength(80);
    expect(models[0]!.inference_ms).toBeGreaterThan(0);
  });

  it('flushes everything on stop: rows in the file account for every analysed frame', async () => {
    // At least a few seconds of analysis first (on a loaded machine the camera may have started late).
    await waitFor('60 frames analysed', async () => ((await cameras()).find((c) => c.id === 'campus')!.framesInferred >= 60 ? true : undefined), 60_000);
    const inferred = (await cameras()).find((c) => c.id === 'campus')!.framesInferred;
    const events: string[] = [];
    app.events.subscribe((e) => events.push(e.type));
    await app.stop();
    expect(events).toContain('track.end'); // open tracks end with the stream
    const db = new Database(dbPath, { readonly: true });
    const secs = db.prepare("SELECT COUNT(*) AS n, SUM(frames) AS frames FROM detection_seconds WHERE camera_id='campus' AND class_name='person'").get() as { n: number; frames: number };
    const cams = db.prepare('SELECT id FROM cameras ORDER BY id').all() as Array<{ id: string }>;
    db.close();
    expect(cams.map((c) => c.id)).toEqual(['broken', 'campus', 'off']);
    const db2 = new Database(dbPath, { readonly: true });
    const tracks = db2.prepare("SELECT track_id, class_name, hits, first_seen, last_seen, path FROM tracks WHERE camera_id='campus' ORDER BY track_id").all() as Array<{ track_id: number; class_name: string; hits: number; first_seen: number; last_seen: number; path: string }>;
    db2.close();
    expect(tracks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(tracks.map((t) => t.track_id)).size).toBe(tracks.length);
    for (const t of tracks) {
      expect(t.class_name).toBe('person');
      expect(t.hits).toBeGreaterThanOrEqual(2); // confirmed tracks only
      expect(t.last_seen).toBeGreaterThanOrEqual(t.first_seen);
      const path = JSON.parse(t.path) as Array<[number, number, number]>;
      expect(path.length).toBeGreaterThanOrEqual(1);
      expect(path.every(([ms, x, y]) => ms >= t.first_seen - 1 && ms <= t.last_seen + 1 && x >= 0 && x <= 640 && y >= 0 && y <= 480)).toBe(true);
    }
    expect(secs.n).toBeGreaterThanOrEqual(2);
    // Campus has a person in every frame, so the person rows cover every frame analysed.
    expect(secs.frames).toBeGreaterThanOrEqual(inferred);
    // Every frame the camera analysed up to its stop is counted, its last second too, within the CLI's deadline.
    const logs = logLines(logged.join(''));
    const stop = cameraStops(logs).get('campus')!;
    expect(storedCounts(dbPath, 'campus')).toEqual({ frames: stop.framesInferred, lastSecond: Math.floor(stop.lastInferredMs! / 1000) });
    expect(stopTimes(logs)!.total_ms).toBeLessThan(STOP_DEADLINE_MS);
  });
});

describe('track ids across a restart of the pipeline', () => {
  it('a second run on the same database never reuses an id', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'ids.db');
    const runOnce = async (): Promise<number[]> => {
      const config = validateConfig({
        http: { port: 0 },
        storage: { path: dbPath },
        detector: { threads: 1, classes: ['person'] },
        cameras: [{ id: 'campus', source: CAMPUS, realtime: false }],
      });
      const app = new Appliance(config, silentLogger());
      await app.start();
      await waitFor('the clip to end', () => appEnded(app), 60_000);
      await app.stop();
      const db = new Database(dbPath, { readonly: true });
      const ids = (db.prepare('SELECT track_id FROM tracks ORDER BY track_id').all() as Array<{ track_id: number }>).map((r) => r.track_id);
      db.close();
      return ids;
    };
    const first = await runOnce();
    expect(first.length).toBeGreaterThanOrEqual(4);
    const both = await runOnce();
    const second = both.filter((id) => !first.includes(id));
    expect(second.length).toBeGreaterThanOrEqual(4);
    expect(Math.min(...second)).toBeGreaterThan(Math.max(...first));
  });
});

async function appEnded(app: Appliance): Promise<true | undefined> {
  const res = await api(`http://127.0.0.1:${app.address!.port}/api/v1/cameras`);
  const { cameras } = (await res.json()) as { cameras: CameraView[] };
  return cameras[0]!.status === 'ended' ? true : undefined;
}

describe('vantage run (the daemon as a process)', () => {
  it('starts, serves, and on SIGTERM exits 0 within 5 s leaving no ffmpeg behind', async () => {
    const dir = tempDir();
    const port = await freePort();
    const cfg = join(dir, 'config.yaml');
    writeFileSync(cfg, `http:\n  port: ${port}\nstorage:\n  path: ${join(dir, 'v.db')}\ncameras:\n  - id: sample\n    source: ${CAMPUS}\n    loop: true\n`);
    const child = startCli(['run', '--config', cfg]);
    try {
      await waitFor('readyz 200', async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined));
      const cams = await waitFor('fps > 0', async () => {
        const body = (await (await api(`http://127.0.0.1:${port}/api/v1/cameras`)).json()) as { cameras: CameraView[] };
        return body.cameras[0]!.fps > 0 ? body.cameras : undefined;
      });
      expect(cams[0]).toMatchObject({ id: 'sample', status: 'online' });
      const kids = childPids(child.pid!);
      expect(kids.length).toBeGreaterThanOrEqual(1); // the camera's ffmpeg
      const t0 = Date.now();
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(kids.filter(processAlive)).toEqual([]);
      const logs = child.output().trim().split('\n').map((l) => JSON.parse(l) as { module?: string; camera?: string; msg: string });
      expect(logs.some((l) => l.module === 'camera' && l.camera === 'sample' && l.msg === 'online')).toBe(true);
      expect(logs.at(-1)!.msg).toBe('stopped');
      const stop = cameraStops(logs as LogLine[]).get('sample')!;
      expect(storedCounts(join(dir, 'v.db'), 'sample')).toEqual({ frames: stop.framesInferred, lastSecond: Math.floor(stop.lastInferredMs! / 1000) });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to start on an invalid config, naming each key and problem', () => {
    const dir = tempDir();
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'http:\n  port: -1\ncameras:\n  - id: Bad Id\n    source: x.mp4\n    fps: 5\n');
    const r = runCli(['run', '--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('http.port:');
    expect(r.stderr).toContain('cameras[0].id:');
    expect(r.stderr).toContain('cameras[0].fps: unknown key');
    expect(r.stdout).toBe('');
  });
});

describe('start-up failures', () => {
  it('a port already in use: exit 1 naming the address and the keys to change', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      const r = runCli(['run', '--config', 'config/default.yaml'], { VANTAGE_HTTP__PORT: String(port), VANTAGE_STORAGE__PATH: join(tempDir(), 'v.db') });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port} (http.host, http.port): the address is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe('vantage config and migrate', () => {
  it('config check accepts the default and rejects a bad file with the key', () => {
    const ok = runCli(['config', 'check', 'config/default.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/default\.yaml: ok \(1 camera\)/);
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), 'detector:\n  threads: many\n');
    const bad = runCli(['config', 'check', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/detector\.threads: .*number/);
  });

  it('config print shows the effective config with overrides and secrets redacted', () => {
    const r = runCli(['config', 'print', '--config', 'config/default.yaml'], { VANTAGE_HTTP__PORT: '9191', VANTAGE_CAMERAS__0__SOURCE: 'rtsp://admin:hunter2@127.0.0.1/live' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('port: 9191');
    expect(r.stdout).toContain('rtsp://***:***@127.0.0.1/live');
    expect(r.stdout).not.toContain('hunter2');
  });

  it('migrate creates the schema once, then reports it is up to date', () => {
    const dir = tempDir();
    const env = { VANTAGE_STORAGE__PATH: join(dir, 'm.db') };
    expect(runCli(['migrate'], env).stdout).toContain('applied 001-initial');
    expect(runCli(['migrate'], env).stdout).toContain('already up to date');
    const db = new Database(join(dir, 'm.db'), { readonly: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
    db.close();
    expect(tables).toEqual(expect.arrayContaining(['cameras', 'detection_seconds', 'settings']));
  });
});
