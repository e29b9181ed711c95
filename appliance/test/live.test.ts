import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { EventBus } from '../src/events.js';
import { LiveHub } from '../src/live/live-hub.js';
import { silentLogger } from '../src/logger.js';
import type { Principal } from '../src/auth/roles.js';
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

/** The looped Campus clip with a line and a zone, so track, zone and line events flow. */
const CAMPUS_CAMERA = {
  id: 'campus',
  source: CAMPUS,
  loop: true,
  lines: [{ id: 'middle', points: [[0.5, 0.3], [0.5, 0.95]] as [number, number][] }],
  zones: [{ id: 'left', points: [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]] as [number, number][] }],
};

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
          CAMPUS_CAMERA,
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

/** The close code of a socket, or 0 when it is still open after `ms`. */
function closeCode(ws: WebSocket, ms = 3000): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(0), ms);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('live events: access per topic, and sockets that close when access is taken away', () => {
  let app: Appliance;
  let base: string;
  let url: string;
  let admin: Record<string, string>;
  const post = async <T>(path: string, body: unknown, headers = admin): Promise<T> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
    return (await res.json()) as T;
  };
  const user = async (username: string, role: string) => {
    const { id } = await post<{ id: number }>('/api/v1/users', { username, password: 'a long test passphrase', role });
    const tokens = await post<{ access_token: string; refresh_token: string }>('/api/v1/auth/login', { username, password: 'a long test passphrase' }, {});
    return { id, bearer: { authorization: `Bearer ${tokens.access_token}` }, refresh: tokens.refresh_token };
  };
  const key = async (scopes: string[]) => post<{ id: string; key: string }>('/api/v1/api-keys', { name: scopes.join('+'), scopes });
  beforeAll(async () => {
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: join(tempDir(), 'v.db') },
        analytics: { hourly_reports: false, daily_reports: false },
        cameras: [
          CAMPUS_CAMERA,
        ],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
    url = `ws://127.0.0.1:${app.address!.port}/api/v1/live`;
    admin = { authorization: `Bearer ${await signIn(base)}` };
  });
  afterAll(async () => app?.stop());

  it('zone, line and alert topics need events:read: a cameras:read key is refused them (naming subscribe) and receives none while others do', async () => {
    const camerasOnly = await connect(url, { 'x-api-key': (await key(['cameras:read'])).key });
    const events = await connect(url, { 'x-api-key': (await key(['cameras:read', 'events:read'])).key });
    try {
      camerasOnly.ws.send(JSON.stringify({ subscribe: ['zone.*'] }));
      camerasOnly.ws.send(JSON.stringify({ subscribe: ['tracks', 'line.cross', 'alert.*'] }));
      camerasOnly.ws.send(JSON.stringify({ subscribe: ['tracks', 'counts'] }));
      events.ws.send(JSON.stringify({ subscribe: ['tracks', 'zone.*', 'line.cross', 'alert.*'] }));
      await waitFor('two refusals', () => (camerasOnly.messages.filter((m) => m.topic === 'error').length >= 2 ? true : undefined), 5000, 20);
      const errors = camerasOnly.messages.filter((m) => m.topic === 'error').map((m) => m.data);
      expect(errors[0]).toMatchObject({ field: 'subscribe', message: 'not allowed: zone.* (needs events:read)' });
      expect(errors[1]).toMatchObject({ field: 'subscribe', message: 'not allowed: line.cross, alert.* (needs events:read)' });
      const subscribed = camerasOnly.messages.filter((m) => m.topic === 'subscribed').map((m) => m.data.topics);
      expect(subscribed).toEqual([['tracks', 'counts']]);
      await waitFor('a zone or line event on the events:read socket', () => (events.messages.some((m) => /^(zone|line)\./.test(m.topic)) ? true : undefined), 30_000);
      expect(camerasOnly.messages.some((m) => m.topic === 'tracks')).toBe(true);
      expect(camerasOnly.messages.filter((m) => /^(zone|line|alert)\./.test(m.topic))).toEqual([]);
    } finally {
      camerasOnly.ws.close();
      events.ws.close();
    }
  });

  it('closes (1008) the sockets of a revoked key, a deleted user, a demoted user and a logged-out login, at once; others stay open', async () => {
    const bystander = await connect(url, admin);
    const k = await key(['cameras:read']);
    const keySocket = await connect(url, { 'x-api-key': k.key });
    const viewer = await user('vera', 'viewer');
    const viewerSocket = await connect(url, viewer.bearer);
    const operator = await user('otto', 'operator');
    const operatorSocket = await connect(url, operator.bearer);
    const reader = await user('rita', 'viewer');
    // One login of rita opens a socket by ticket; her other login's socket must survive its logout.
    const other = await post<{ access_token: string }>('/api/v1/auth/login', { username: 'rita', password: 'a long test passphrase' }, {});
    const { ticket } = await post<{ ticket: string }>('/api/v1/live/ticket', {}, reader.bearer);
    const ticketSocket = await connect(`${url}?ticket=${ticket}`);
    const otherSocket = await connect(url, { authorization: `Bearer ${other.access_token}` });
    try {
      const del = (path: string) => fetch(`${base}${path}`, { method: 'DELETE', headers: admin });
      expect((await del(`/api/v1/api-keys/${k.id}`)).status).toBe(204);
      expect(await closeCode(keySocket.ws)).toBe(1008);
      expect((await del(`/api/v1/users/${viewer.id}`)).status).toBe(204);
      expect(await closeCode(viewerSocket.ws)).toBe(1008);
      const demote = await fetch(`${base}/api/v1/users/${operator.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...admin }, body: JSON.stringify({ role: 'viewer' }) });
      expect(demote.status).toBe(200);
      expect(await closeCode(operatorSocket.ws)).toBe(1008);
      expect((await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: reader.refresh }) })).status).toBe(204);
      expect(await closeCode(ticketSocket.ws)).toBe(1008);
      // Nobody else lost anything.
      expect(await closeCode(otherSocket.ws, 500)).toBe(0);
      expect(await closeCode(bystander.ws, 500)).toBe(0);
      // The closed principals cannot come back in.
      await expect(connect(url, { 'x-api-key': k.key })).rejects.toThrow(/401/);
      await expect(connect(url, reader.bearer)).rejects.toThrow(/401/);
    } finally {
      for (const s of [bystander, keySocket, viewerSocket, operatorSocket, ticketSocket, otherSocket]) s.ws.close();
    }
  });
});

describe('LiveHub back-pressure', () => {
  it('drops a client whose send buffer passes the bound, without touching the others', () => {
    const bus = new EventBus();
    const hub = new LiveHub(bus, { maxBufferedBytes: 1000, authenticate: async () => undefined, holds: () => true, poll: { cameraStatus: () => [], counts: () => [], system: async () => ({}) } }, silentLogger());
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
      (hub as unknown as { accept(ws: unknown, p: Principal): void }).accept(ws, { kind: 'key', id: 'k', name: 'k', scopes: ['cameras:read'], via: 'api-key' });
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
