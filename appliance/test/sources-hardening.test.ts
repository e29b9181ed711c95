/**
 * Issue 14, findings 3 and 6: camera sources reach only what a camera is, and a camera's credentials
 * never reach a viewer (camera list, WebSocket camera.status, MQTT last_error) or a log line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { createLogger, silentLogger } from '../src/logger.js';
import { api, CAMPUS, freePort, MEDIA, runCli, signIn, tempDir, waitFor } from './helpers.js';
import { startBroker, type TestBroker } from './mqtt-broker.js';

const USER = 'camuser7';
const PASS = 'p@ss:w0rd@x';
const TOKEN = 'hunter2hunter2';
/** A camera whose password holds "@" and ":" and whose URL carries credentials in its query too; port 9 refuses. */
const SECRET_SOURCE = `rtsp://${USER}:${PASS}@127.0.0.1:9/stream?user=${USER}&pwd=${TOKEN}&channel=1`;
const SHOWN_SOURCE = 'rtsp://***:***@127.0.0.1:9/stream?user=***&pwd=***&channel=1';
const LEAKS = [PASS, 'w0rd', TOKEN, USER];

const REFUSED: Array<[string, string]> = [
  ['concat', `concat:${CAMPUS}|/etc/passwd`],
  ['subfile', `subfile,,start,0,end,0,,:${CAMPUS}`],
  ['data', 'data:video/mp4;base64,AAAAIGZ0eXBpc29t'],
  ['file-url', `file:${CAMPUS}`],
  ['listen', 'tcp://0.0.0.0:9999?listen=1'],
  ['udp', 'udp://0.0.0.0:1234'],
  ['option', '-f'],
  ['option-lavfi', '-f lavfi -i testsrc'],
  ['walk', `${MEDIA}/../../../../etc/passwd`],
  ['outside', '/etc/passwd'],
  ['nul', `${CAMPUS}\u0000.txt`],
  ['bidi', `${MEDIA}/\u202emp4.exe`],
];

describe('camera sources: only what a camera is', () => {
  const dir = tempDir();
  let app: Appliance;
  let base: string;
  const send = (method: string, path: string, body: unknown) =>
    api(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    app = new Appliance(validateConfig({ http: { port: 0 }, storage: { path: join(dir, 'v.db') }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [{ id: 'ok', source: CAMPUS, enabled: false }] }), silentLogger());
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => app?.stop());

  it('refuses every other protocol, option-like strings and paths outside the media folders with a 400 naming the field; nothing stored changes', async () => {
    const before = await (await api(`${base}/api/v1/cameras`)).text();
    for (const [name, source] of REFUSED) {
      const post = await send('POST', '/api/v1/cameras', { id: `bad-${name}`, source });
      expect(post.status, name).toBe(400);
      expect((await post.json()) as unknown, name).toMatchObject({ error: { fields: [expect.objectContaining({ field: 'source' })] } });
      const put = await send('PUT', '/api/v1/cameras/ok', { source: CAMPUS, live_source: source });
      expect(put.status, name).toBe(400);
      expect((await put.json()) as unknown, name).toMatchObject({ error: { fields: [expect.objectContaining({ field: 'live_source' })] } });
      const session = await send('POST', '/api/v1/sessions', { file: source });
      expect(session.status, name).toBe(400);
      expect(JSON.stringify(await session.json()), name).toContain('"file"');
    }
    expect(await (await api(`${base}/api/v1/cameras`)).text()).toBe(before);
    // What a camera is stays allowed.
    for (const [id, source] of [['mjpeg', 'http://127.0.0.1:9/video.mjpg'], ['hls', 'https://127.0.0.1:9/live/index.m3u8'], ['rtsp', 'rtsps://127.0.0.1:9/s'], ['file', CAMPUS]] as const) {
      expect((await send('POST', '/api/v1/cameras', { id, source, enabled: false })).status, id).toBe(201);
    }
  });

  it('a camera stored through the API before the policy is kept but not run, and runs again once its source is replaced', async () => {
    const dbPath = join(dir, 'stored.db');
    const first = new Appliance(validateConfig({ http: { port: 0 }, storage: { path: dbPath }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [] }), silentLogger());
    await first.start();
    await first.stop();
    const db = new Database(dbPath);
    db.prepare('INSERT INTO camera_overrides (id, config, updated_at) VALUES (?, ?, ?)').run('old', JSON.stringify({ id: 'old', source: `concat:${CAMPUS}|${dbPath}` }), Date.now());
    db.close();
    const again = new Appliance(validateConfig({ http: { port: 0 }, storage: { path: dbPath }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [] }), silentLogger());
    await again.start();
    try {
      const b = `http://127.0.0.1:${again.address!.port}`;
      const list = (await (await api(`${b}/api/v1/cameras`)).json()) as { cameras: Array<{ id: string; enabled: boolean; status: string }> };
      expect(list.cameras).toEqual([expect.objectContaining({ id: 'old', enabled: false, status: 'disabled' })]);
      const put = await api(`${b}/api/v1/cameras/old`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: CAMPUS, loop: true }) });
      expect(put.status).toBe(200);
      expect(((await put.json()) as { enabled: boolean }).enabled).toBe(true);
    } finally {
      await again.stop();
    }
  });

  it('a refused source in the config file stops start-up with the camera named', async () => {
    const bad = new Appliance(validateConfig({ http: { port: 0 }, storage: { path: join(dir, 'b.db') }, cameras: [{ id: 'a', source: CAMPUS }, { id: 'b', source: 'concat:/a|/b' }] }), silentLogger());
    await expect(bad.start()).rejects.toThrow(/cameras\[1\]\.source: only rtsp/);
    await bad.stop();
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, `http:\n  port: 0\nstorage:\n  path: ${join(dir, 'c.db')}\ncameras:\n  - id: walk\n    source: ${MEDIA}/../../secret.db\n`);
    const r = runCli(['run', '--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('cameras[0].source: must be a normal path');
    const check = runCli(['config', 'check', cfg]);
    expect(check.code).not.toBe(0);
    expect(check.stdout + check.stderr).toContain('cameras[0].source: must be a normal path');
  });
});

describe('camera credentials never reach a viewer or a log', () => {
  const dir = tempDir();
  const lines: string[] = [];
  let app: Appliance;
  let broker: TestBroker;
  let base: string;

  beforeAll(async () => {
    const mqttPort = await freePort();
    broker = await startBroker(mqttPort);
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    app = new Appliance(
      validateConfig({
        site: { name: 's', device: 'd' },
        http: { port: 0 },
        storage: { path: join(dir, 'v.db') },
        analytics: { hourly_reports: false, daily_reports: false },
        mqtt: { url: `mqtt://127.0.0.1:${mqttPort}` },
        log: { level: 'debug' },
        cameras: [{ id: 'creds', source: SECRET_SOURCE, live_source: `http://${USER}:${PASS}@127.0.0.1:9/live?token=${TOKEN}` }],
      }),
      createLogger('debug', sink),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => {
    await app?.stop();
    await broker?.close();
  });

  it('the camera list, camera.status, MQTT last_error and the log show neither user info nor secret query values', async () => {
    type Cam = { id: string; source: string; liveSource: string; lastError: string | null };
    const cam = await waitFor('the camera failing', async () => {
      const { cameras } = (await (await api(`${base}/api/v1/cameras`)).json()) as { cameras: Cam[] };
      const c = cameras.find((x) => x.id === 'creds');
      return c?.lastError ? c : undefined;
    }, 30_000);
    expect(cam.source).toBe(SHOWN_SOURCE);
    expect(cam.liveSource).toBe('http://***:***@127.0.0.1:9/live?token=***');
    expect(cam.lastError).toContain('127.0.0.1:9');

    const token = await signIn(base);
    const ws = new WebSocket(`ws://127.0.0.1:${app.address!.port}/api/v1/live`, { headers: { authorization: `Bearer ${token}` } });
    const messages: string[] = [];
    ws.on('message', (d) => messages.push(d.toString()));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    ws.send(JSON.stringify({ subscribe: ['camera.status'], cameras: ['creds'] }));
    const status = await waitFor('camera.status', () => messages.find((m) => m.includes('"topic":"camera.status"')), 5000, 20);
    ws.close();
    expect(status).toContain(SHOWN_SOURCE);

    const mqtt = await waitFor('camera status over MQTT', () => broker.received.find((m) => m.topic === 'vantage/s/d/cameras/creds/status' && JSON.parse(m.payload).last_error), 20_000);
    expect((JSON.parse(mqtt.payload) as { last_error: string }).last_error).toContain('127.0.0.1:9');

    const everything = { list: JSON.stringify(cam), ws: status, mqtt: mqtt.payload, log: lines.join('') };
    expect(lines.join('')).toContain('source failed');
    for (const [where, text] of Object.entries(everything)) {
      for (const secret of LEAKS) expect(text.includes(secret), `${where} shows ${secret}`).toBe(false);
    }
  }, 60_000);
});
