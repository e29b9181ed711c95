import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { api, CAMPUS, childPids, MEDIA, signIn, tempDir, waitFor } from './helpers.js';

/** The live view's ffmpeg children of this process, told apart from the cameras' decoders by their output. */
function liveFfmpegs(): Array<'webrtc' | 'mpeg1'> {
  const kinds: Array<'webrtc' | 'mpeg1'> = [];
  for (const pid of childPids(process.pid)) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (!cmd.startsWith('ffmpeg')) continue;
    if (cmd.includes('-pix_fmt yuv420p -f rawvideo')) kinds.push('webrtc');
    else if (cmd.includes('mpeg1video')) kinds.push('mpeg1');
  }
  return kinds.sort();
}

interface Frame {
  width: number;
  height: number;
  /** Standard deviation of the luma plane (sampled): 0 for a uniform picture. */
  lumaStd: number;
}

interface Viewer {
  status: number;
  body: { type?: string; sdp?: string; error?: { code: string; message: string; fields?: Array<{ field: string }> } };
  frames: Frame[];
  close(): void;
}

function lumaStd(data: Uint8Array, width: number, height: number): number {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < width * height; i += 97) {
    const v = data[i]!;
    n++;
    sum += v;
    sq += v * v;
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sq / n - mean * mean));
}

function gathered(pc: { iceGatheringState: string; addEventListener(t: string, f: () => void): void }): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
}

/** A real WebRTC client: offers to receive video, POSTs the offer, applies the answer, counts the frames it decodes. */
async function watch(base: string, camera: string, headers: Record<string, string>, sdpOf?: (sdp: string) => string): Promise<Viewer> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver('video', { direction: 'recvonly' });
  const frames: Frame[] = [];
  const sinks: Array<{ stop(): void }> = [];
  pc.ontrack = (e: { track: unknown }) => {
    const sink = new wrtc.nonstandard.RTCVideoSink(e.track);
    sinks.push(sink);
    sink.onframe = ({ frame }: { frame: { width: number; height: number; data: Uint8Array } }) => {
      frames.push({ width: frame.width, height: frame.height, lumaStd: lumaStd(frame.data, frame.width, frame.height) });
    };
  };
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const sdp = (pc.localDescription as { sdp: string }).sdp;
  const res = await fetch(`${base}/api/v1/cameras/${camera}/webrtc`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'offer', sdp: sdpOf ? sdpOf(sdp) : sdp }),
  });
  const body = (await res.json()) as Viewer['body'];
  const close = (): void => {
    for (const s of sinks) s.stop();
    pc.close();
  };
  if (res.status === 200) await pc.setRemoteDescription(body);
  else close();
  return { status: res.status, body, frames, close };
}

interface Mpeg1Client {
  status: number;
  messages: Buffer[];
  bytes(): number;
  closed: Promise<number>;
  ws: WebSocket | undefined;
}

/** Opens the MPEG-1 WebSocket; resolves with the upgrade's status (101 when open). */
function mpeg1(url: string, headers: Record<string, string> = {}): Promise<Mpeg1Client> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    const messages: Buffer[] = [];
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const client = { status: 0, messages, bytes: () => messages.reduce((n, m) => n + m.length, 0), closed, ws: undefined as WebSocket | undefined };
    ws.on('message', (d: Buffer, isBinary: boolean) => {
      if (isBinary) messages.push(d);
    });
    ws.once('unexpected-response', (_req, res) => resolve({ ...client, status: res.statusCode ?? 0 }));
    ws.once('open', () => resolve({ ...client, status: 101, ws }));
    ws.once('error', () => resolve({ ...client, status: -1 }));
  });
}

describe('live video: WebRTC and the MPEG-1 fallback', () => {
  let app: Appliance;
  let base: string;
  let wsBase: string;
  let auth: Record<string, string>;
  let reportsKey: string;

  beforeAll(async () => {
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: join(tempDir(), 'v.db'), media_dirs: [MEDIA, '/nonexistent'] },
        analytics: { hourly_reports: false, daily_reports: false },
        detector: { workers: 1 },
        live_video: { linger_seconds: 1, max_viewers_per_camera: 2, max_viewers: 3 },
        cameras: [
          { id: 'campus', source: CAMPUS, loop: true, detect_every: 5 },
          // Offline: the file is not there; the camera retries with backoff.
          { id: 'gone', source: '/nonexistent/vantage-camera.mp4' },
          { id: 'off', source: CAMPUS, enabled: false },
        ],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
    wsBase = `ws://127.0.0.1:${app.address!.port}`;
    auth = { authorization: `Bearer ${await signIn(base)}` };
    const key = await api(`${base}/api/v1/api-keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'reports only', scopes: ['reports:read'] }) });
    reportsKey = ((await key.json()) as { key: string }).key;
    await waitFor('camera online', async () => ((await (await api(`${base}/api/v1/cameras/campus`)).json()) as { status: string }).status === 'online' || undefined, 30_000);
  });
  afterAll(async () => app?.stop());

  const system = async () => ((await (await api(`${base}/api/v1/system`)).json()) as { live_video: { viewers: number; encoders: number; cameras: Array<{ camera: string; webrtc: number; mpeg1: number }> } }).live_video;

  it('runs no live ffmpeg before anyone watches', async () => {
    expect(liveFfmpegs()).toEqual([]);
    expect(await system()).toMatchObject({ viewers: 0, encoders: 0 });
  });

  it('sends two WebRTC viewers the frames the camera analysed (its 416×312 picture, no ffmpeg of its own), refuses a third', async () => {
    const started = Date.now();
    const a = await watch(base, 'campus', auth);
    const b = await watch(base, 'campus', auth);
    try {
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body.type).toBe('answer');
      expect(a.body.sdp).toMatch(/^a=candidate:.* typ host/m); // non-trickle: the candidates are in the answer
      // Issue 19: the picture is the analysed frames (640×480 letterboxed into the model's 416×416: 416×312), so boxes and picture share one clock.
      const full = (v: Viewer) => v.frames.filter((f) => f.width === 416 && f.height === 312);
      await waitFor('25 analysed frames at each viewer', () => (full(a).length >= 25 && full(b).length >= 25) || undefined, 20_000, 100);
      const seconds = (Date.now() - started) / 1000;
      console.info(`live-video: ${a.frames.length} and ${b.frames.length} frames in ${seconds.toFixed(1)} s after the offer`);
      // Real video: the picture is not one flat colour.
      expect(Math.min(...full(a).map((f) => f.lumaStd))).toBeGreaterThan(10);
      expect(Math.min(...full(b).map((f) => f.lumaStd))).toBeGreaterThan(10);

      expect(liveFfmpegs()).toEqual([]); // no decoder of its own: the camera's frames
      const live = await system();
      expect(live.encoders).toBe(0);
      expect(live.cameras.find((c) => c.camera === 'campus')).toMatchObject({ webrtc: 2, mpeg1: 0, encoders: { webrtc: 'running', mpeg1: 'idle' } });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('vantage_live_viewers{camera="campus",transport="webrtc"} 2');
      expect(metrics).toMatch(/^vantage_live_encoders 0$/m);

      const third = await watch(base, 'campus', auth);
      expect(third.status).toBe(503);
      expect(third.body.error).toMatchObject({ code: 'ERR_UNAVAILABLE', message: expect.stringContaining('live_video.max_viewers_per_camera') });
    } finally {
      a.close();
      b.close();
    }
    expect(liveFfmpegs()).toEqual([]);
    // The peers are seen closing (DTLS close_notify) by the next sweep.
    await waitFor('no viewer and no encoder in /system', async () => {
      const live = await system();
      return (live.viewers === 0 && live.encoders === 0) || undefined;
    }, 5000, 100);
  });

  it('answers bad requests with 401, 403, 404, 409 and a 400 naming the field; an offline camera still answers', async () => {
    const post = (camera: string, body: unknown, headers: Record<string, string> = auth) =>
      fetch(`${base}/api/v1/cameras/${camera}/webrtc`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n' };
    expect((await post('campus', offer, {})).status).toBe(401);
    const forbidden = await post('campus', offer, { 'x-api-key': reportsKey });
    expect(forbidden.status).toBe(403);
    expect((await post('nope', offer)).status).toBe(404);
    const fieldsOf = async (r: Response) => ({ status: r.status, fields: ((await r.json()) as { error: { fields?: Array<{ field: string }> } }).error.fields?.map((f) => f.field) });
    expect(await fieldsOf(await post('campus', { type: 'offer', sdp: 'hello' }))).toEqual({ status: 400, fields: ['sdp'] });
    expect(await fieldsOf(await post('campus', { type: 'answer', sdp: offer.sdp }))).toEqual({ status: 400, fields: ['type'] });
    expect(await fieldsOf(await post('campus', { type: 'offer', sdp: 'v=0\r\nnot sdp at all\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n' }))).toEqual({ status: 400, fields: ['sdp'] });
    expect(await fieldsOf(await post('campus', { type: 'offer', sdp: offer.sdp.replace('m=video', 'm=audio') }))).toEqual({ status: 400, fields: ['sdp'] });
    expect((await post('off', offer)).status).toBe(409);
    // A refused offer started nothing.
    expect(liveFfmpegs()).toEqual([]);

    // Offline camera: the answer comes; frames follow when the camera's stream comes back.
    const offline = await watch(base, 'gone', auth);
    try {
      expect(offline.status).toBe(200);
      expect(offline.body.sdp).toContain('a=sendonly');
      await waitFor('the offline camera listed as watched', async () => (await system()).cameras.find((c) => c.camera === 'gone')?.webrtc === 1 || undefined, 5000);
    } finally {
      offline.close();
    }
  });

  it('streams MPEG-TS with MPEG-1 video to WebSockets with a bearer header or a ticket, from one shared ffmpeg', async () => {
    const url = `${wsBase}/api/v1/cameras/campus/mpeg1`;
    expect((await mpeg1(url)).status).toBe(401);
    expect((await mpeg1(url, { 'x-api-key': reportsKey })).status).toBe(403);
    expect((await mpeg1(`${wsBase}/api/v1/cameras/nope/mpeg1`, auth)).status).toBe(404);
    expect((await mpeg1(`${wsBase}/api/v1/cameras/off/mpeg1`, auth)).status).toBe(409);
    expect((await api(`${base}/api/v1/cameras/campus/mpeg1`)).status).toBe(426); // a plain GET is told to upgrade
    expect(liveFfmpegs()).toEqual([]);

    const bearer = await mpeg1(url, auth);
    const { ticket } = (await (await api(`${base}/api/v1/live/ticket`, { method: 'POST' })).json()) as { ticket: string };
    const byTicket = await mpeg1(`${url}?ticket=${ticket}`);
    try {
      expect([bearer.status, byTicket.status]).toEqual([101, 101]);
      await waitFor('64 KiB at both sockets', () => (bearer.bytes() >= 65_536 && byTicket.bytes() >= 65_536) || undefined, 20_000, 100);
      for (const client of [bearer, byTicket]) {
        // Every message is whole 188-byte packets, each starting with the sync byte.
        for (const m of client.messages) {
          expect(m.length % 188).toBe(0);
          for (let i = 0; i < m.length; i += 188) if (m[i] !== 0x47) throw new Error(`no sync byte at ${i}`);
        }
        // …carrying MPEG-1 video: a sequence header (00 00 01 B3).
        expect(Buffer.concat(client.messages).includes(Buffer.from([0, 0, 1, 0xb3]))).toBe(true);
      }
      expect(liveFfmpegs()).toEqual(['mpeg1']);
      expect((await system()).cameras.find((c) => c.camera === 'campus')).toMatchObject({ webrtc: 0, mpeg1: 2 });
    } finally {
      bearer.ws?.close();
      byTicket.ws?.close();
    }
    await waitFor('the MPEG-1 ffmpeg to stop', () => liveFfmpegs().length === 0 || undefined, 15_000, 100);
  });

  it('closes the live video of whoever loses access: the WebRTC peer of a revoked key, the MPEG-1 socket of a logged-out login', async () => {
    const post = async <T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> => {
      const init = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
      const res = headers ? await fetch(`${base}${path}`, init) : await api(`${base}${path}`, init);
      expect(res.status, path).toBeLessThan(300);
      return (await res.json()) as T;
    };
    const key = await post<{ id: string; key: string }>('/api/v1/api-keys', { name: 'wall screen', scopes: ['cameras:read'] });
    await post('/api/v1/users', { username: 'vic', password: 'a long test passphrase', role: 'viewer' });
    const vic = await post<{ access_token: string; refresh_token: string }>('/api/v1/auth/login', { username: 'vic', password: 'a long test passphrase' }, {});
    const peer = await watch(base, 'campus', { 'x-api-key': key.key });
    const socket = await mpeg1(`${wsBase}/api/v1/cameras/campus/mpeg1`, { authorization: `Bearer ${vic.access_token}` });
    try {
      expect([peer.status, socket.status]).toEqual([200, 101]);
      await waitFor('frames at both viewers', () => (peer.frames.length > 0 && socket.bytes() > 0) || undefined, 20_000, 100);
      expect((await system()).cameras.find((c) => c.camera === 'campus')).toMatchObject({ webrtc: 1, mpeg1: 1 });

      expect((await api(`${base}/api/v1/api-keys/${key.id}`, { method: 'DELETE' })).status).toBe(204);
      // The peer is closed on the box at once (not at its next request: a WebRTC viewer makes none).
      expect((await system()).cameras.find((c) => c.camera === 'campus')).toMatchObject({ webrtc: 0, mpeg1: 1 });
      await new Promise((r) => setTimeout(r, 500));
      const seen = peer.frames.length;
      await new Promise((r) => setTimeout(r, 1500));
      expect(peer.frames.length).toBe(seen); // no picture after the revocation
      expect(socket.ws!.readyState).toBe(WebSocket.OPEN); // the other viewer watches on

      expect((await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: vic.refresh_token }) })).status).toBe(204);
      expect(await socket.closed).toBe(1008);
      expect((await system()).cameras.find((c) => c.camera === 'campus')).toMatchObject({ webrtc: 0, mpeg1: 0 });
      // Neither can open the live view again.
      expect((await watch(base, 'campus', { 'x-api-key': key.key })).status).toBe(401);
      expect((await mpeg1(`${wsBase}/api/v1/cameras/campus/mpeg1`, { authorization: `Bearer ${vic.access_token}` })).status).toBe(401);
    } finally {
      peer.close();
      socket.ws?.terminate();
    }
    await waitFor('the live ffmpegs to stop', () => liveFfmpegs().length === 0 || undefined, 15_000, 100);
  });

  it('closes every viewer and leaves no live ffmpeg when the daemon stops', async () => {
    const viewer = await watch(base, 'campus', auth);
    const socket = await mpeg1(`${wsBase}/api/v1/cameras/campus/mpeg1`, auth);
    try {
      expect([viewer.status, socket.status]).toEqual([200, 101]);
      await waitFor('WebRTC frames and the MPEG-1 ffmpeg', () => (viewer.frames.length > 0 && liveFfmpegs().length === 1) || undefined, 15_000, 100);
      await app.stop();
      expect(liveFfmpegs()).toEqual([]);
      expect(await socket.closed).toBe(1001);
    } finally {
      viewer.close();
      socket.ws?.terminate();
    }
  });
});
