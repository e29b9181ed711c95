import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { EventBus } from '../src/events.js';
import { LiveHub } from '../src/live/live-hub.js';
import { silentLogger } from '../src/logger.js';
import { api, CAMPUS, signIn, tempDir, waitFor } from './helpers.js';

interface Msg {
  topic: string;
  camera?: string;
  data: Record<string, unknown>;
}

function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: Msg[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: Msg[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as Msg));
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('error', reject);
  });
}

describe('live events over WebSocket (/api/v1/live)', () => {
  let app: Appliance;
  let url: string;
  let auth: Record<string, string>;
  beforeAll(async () => {
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: join(tempDir(), 'v.db') },
        analytics: { hourly_reports: false, daily_reports: false },
        cameras: [
          {
            id: 'campus',
            source: CAMPUS,
            loop: true,
            lines: [{ id: 'middle', points: [[0.5, 0.3], [0.5, 0.95]] }],
            zones: [{ id: 'left', points: [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]] }],
          },
          { id: 'other', source: CAMPUS, loop: true },
        ],
      }),
      silentLogger(),
    );
    await app.start();
    url = `ws://127.0.0.1:${app.address!.port}/api/v1/live`;
    auth = { authorization: `Bearer ${await signIn(`http://127.0.0.1:${app.address!.port}`)}` };
  });
  afterAll(async () => app?.stop());

  it('streams the subscribed topics of the chosen camera: tracks, zone and line events, counts', async () => {
    const { ws, messages } = await connect(url, auth);
    try {
      await waitFor('hello', () => (messages.some((m) => m.topic === 'hello') ? true : undefined));
      ws.send(JSON.stringify({ subscribe: ['tracks', 'zone.*', 'line.cross', 'counts', 'camera.status'], cameras: ['campus'] }));
      // The current status comes at once, for the chosen camera only.
      const status = await waitFor('camera.status now', () => messages.find((m) => m.topic === 'camera.status'), 2000, 20);
      expect(status).toMatchObject({ camera: 'campus', data: { id: 'campus', status: expect.stringMatching(/^(starting|online)$/) } });
      await waitFor('tracks, a zone or line event and counts', () => {
        const topics = new Set(messages.map((m) => m.topic));
        return topics.has('tracks') && topics.has('counts') && (topics.has('zone.enter') || topics.has('line.cross')) ? true : undefined;
      }, 20_000);
      const published = messages.filter((m) => !['hello', 'subscribed'].includes(m.topic));
      expect(published.every((m) => m.camera === 'campus')).toBe(true); // camera filter (camera.status included)
      const tracks = messages.find((m) => m.topic === 'tracks' && (m.data.tracks as unknown[]).length > 0)!;
      expect(tracks.data.tracks).toEqual(expect.arrayContaining([expect.objectContaining({ id: expect.any(Number), box: expect.objectContaining({ x1: expect.any(Number) }) })]));
      const counts = messages.find((m) => m.topic === 'counts')!;
      expect(Object.keys(counts.data.zones as object)).toEqual(['left']);
    } finally {
      ws.close();
    }
  });

  it('answers unknown topics and non-JSON with an error message, and refuses other upgrade paths', async () => {
    const { ws, messages } = await connect(url, auth);
    try {
      ws.send(JSON.stringify({ subscribe: ['tracks', 'everything'] }));
      ws.send('not json');
      await waitFor('two errors', () => (messages.filter((m) => m.topic === 'error').length >= 2 ? true : undefined));
      const errors = messages.filter((m) => m.topic === 'error').map((m) => m.data);
      expect(errors[0]).toMatchObject({ field: 'subscribe', message: 'unknown topics: everything' });
      expect(errors[1]).toMatchObject({ message: 'messages must be JSON' });
    } finally {
      ws.close();
    }
    await expect(connect(url.replace('/live', '/elsewhere'), auth)).rejects.toThrow();
  });

  it('refuses a socket without credentials (401); a ticket opens exactly one; a foreign Origin cannot ride the cookie', async () => {
    const status = (u: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(u, { headers });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => (ws.close(), resolve(101)));
        ws.once('error', () => resolve(-1));
      });
    expect(await status(url)).toBe(401);
    expect(await status(url, { authorization: 'Bearer not-a-token' })).toBe(401);
    const http = url.replace('ws://', 'http://').replace('/api/v1/live', '');
    const res = await api(`${http}/api/v1/live/ticket`, { method: 'POST' });
    expect(res.status).toBe(201);
    const { ticket } = (await res.json()) as { ticket: string };
    expect(await status(`${url}?ticket=${ticket}`)).toBe(101);
    expect(await status(`${url}?ticket=${ticket}`)).toBe(401); // single use
    // The dashboard's cookie works from its own origin, not from another site's page.
    const login = await fetch(`${http}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'vantage test passphrase 7', use_cookies: true }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(cookie).toContain('vantage_access=');
    const host = new URL(http).host;
    expect(await status(url, { cookie, origin: `http://${host}` })).toBe(101);
    expect(await status(url, { cookie, origin: 'http://evil.example' })).toBe(401);
  });
});

describe('LiveHub back-pressure', () => {
  it('drops a client whose send buffer passes the bound, without touching the others', () => {
    const bus = new EventBus();
    const hub = new LiveHub(bus, { maxBufferedBytes: 1000, authenticate: async () => undefined, poll: { cameraStatus: () => [], counts: () => [], system: async () => ({}) } }, silentLogger());
    const fake = (buffered: number) => {
      const sent: string[] = [];
      const closed: number[] = [];
      const handlers = new Map<string, (d: unknown) => void>();
      const ws = {
        OPEN: 1,
        readyState: 1,
        bufferedAmount: buffered,
        send: (t: string) => sent.push(t),
        close: (code: number) => closed.push(code),
        terminate: () => undefined,
        on: (ev: string, fn: (d: unknown) => void) => handlers.set(ev, fn),
      };
      (hub as unknown as { accept(ws: unknown): void }).accept(ws);
      handlers.get('message')!(Buffer.from(JSON.stringify({ subscribe: ['tracks'] })));
      return { ws, sent, closed };
    };
    hub.start();
    const fast = fake(0);
    const slow = fake(0);
    slow.ws.bufferedAmount = 5000; // its reader stopped
    bus.emit({ type: 'track.update', camera: 'c', t: 1, seq: 1, latencyMs: 1, inferred: true, tracks: [] });
    bus.emit({ type: 'track.update', camera: 'c', t: 2, seq: 2, latencyMs: 1, inferred: true, tracks: [] });
    expect(slow.closed).toEqual([1013]);
    expect(hub.dropped).toBe(1);
    expect(fast.sent.filter((t) => (JSON.parse(t) as { topic: string }).topic === 'tracks')).toHaveLength(2);
    expect(hub.size).toBe(1);
    hub.close();
  });
});
