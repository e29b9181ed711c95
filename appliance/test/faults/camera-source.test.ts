/**
 * Fault (b): an RTSP camera (GStreamer's RTSP server on 127.0.0.1) that hangs, dies, comes back with a
 * different resolution, and comes back under another path, against the real daemon as a process.
 * Complements appliance/test/rtsp.test.ts (a plain kill and restart, in process):
 * 1. hung (SIGSTOP: the connection stays open, no data) → `stalled` by the watchdog, online after SIGCONT;
 * 2. killed, then back on the same port serving 320×240 → online again by itself, at the new size;
 * 3. back under another path (renamed) → offline naming the error; a PUT with the new URL recovers it.
 * Throughout, the file camera is sampled every 500 ms: online and its frame counter rising every time.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CAMPUS, signIn, waitFor } from '../helpers.js';
import { prepareH264Clip, startRtspServer, stopAllRtspServers, type RtspServer } from '../rtsp-server.js';
import { daemonDir, makeClip, reportFigures, sleep, startDaemon, writeConfig, type Daemon } from './fault-kit.js';

interface Cam {
  id: string;
  status: string;
  width: number | null;
  height: number | null;
  framesDecoded: number;
  reconnects: number;
  lastError: string | null;
}

describe('fault: camera source hung, killed, resized and renamed', () => {
  let daemon: Daemon | undefined;
  let server: RtspServer | undefined;
  afterAll(async () => {
    await daemon?.kill();
    await stopAllRtspServers();
  });

  it('the RTSP camera recovers by itself each time; the file camera never misses a beat', async () => {
    const clip = prepareH264Clip(12);
    const small = makeClip('stadtmitte-320x240-h264.mp4', ['-i', clip, '-t', '60', '-an', '-vf', 'scale=320:240', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25']);
    server = await startRtspServer({ clip });
    const { dir, port, head } = await daemonDir('camfault');
    const cfg = writeConfig(dir, [...head, 'cameras:', `  - { id: rtsp, source: "${server.url}", rtsp_transport: tcp, stall_timeout: 3 }`, `  - { id: file, source: ${CAMPUS}, loop: true }`]);
    daemon = await startDaemon(cfg, port);
    const token = await signIn(daemon.base);
    const auth = { authorization: `Bearer ${token}` };
    const cam = async (id: string): Promise<Cam> => {
      const all = (await (await fetch(`${daemon!.base}/api/v1/cameras`, { headers: auth })).json()) as { cameras: Cam[] };
      return all.cameras.find((c) => c.id === id)!;
    };
    const online = (id: string, after: number, timeoutMs = 30_000) =>
      waitFor(`${id} online and decoding`, async () => {
        const c = await cam(id);
        return c.status === 'online' && c.framesDecoded > after ? c : undefined;
      }, timeoutMs, 200);
    await online('rtsp', 0);
    await online('file', 0);

    const samples: Array<{ t: number; status: string; frames: number }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const c = await cam('file');
        samples.push({ t: Date.now(), status: c.status, frames: c.framesDecoded });
        await sleep(500);
      }
    })();
    const timings: Record<string, number> = {};
    try {
      // 1. Hung: the server process is stopped; its socket stays open but sends nothing.
      let t = Date.now();
      process.kill(server.pid!, 'SIGSTOP');
      const stalled = await waitFor('rtsp stalled', async () => {
        const c = await cam('rtsp');
        return c.status === 'stalled' || c.status === 'offline' ? c : undefined;
      }, 20_000, 200);
      timings.hang_detected_ms = Date.now() - t;
      process.kill(server.pid!, 'SIGCONT');
      t = Date.now();
      const resumed = await online('rtsp', stalled.framesDecoded);
      timings.hang_recovered_ms = Date.now() - t;
      expect(resumed.reconnects).toBeGreaterThan(0);

      // 2. Killed, and back on the same port with a smaller picture.
      await server.kill();
      const down = await waitFor('rtsp offline', async () => {
        const c = await cam('rtsp');
        return c.status === 'offline' || c.status === 'stalled' ? c : undefined;
      }, 20_000, 200);
      await sleep(1500);
      t = Date.now();
      server = await startRtspServer({ clip: small, port: server.port });
      const resized = await waitFor('rtsp online at 320×240', async () => {
        const c = await cam('rtsp');
        return c.status === 'online' && c.width === 320 && c.framesDecoded > down.framesDecoded ? c : undefined;
      }, 30_000, 200);
      timings.resize_recovered_ms = Date.now() - t;
      expect([resized.width, resized.height]).toEqual([320, 240]);

      // 3. Renamed: the stream moves to another path; the old one answers "not found".
      await server.kill();
      server = await startRtspServer({ clip, port: server.port, path: '/renamed' });
      // First "the connection was closed", then each retry of the old path is told it does not exist.
      const lost = await waitFor('rtsp offline, the old path not found', async () => {
        const c = await cam('rtsp');
        return c.status === 'offline' && /404|not found/i.test(c.lastError ?? '') ? c : undefined;
      }, 30_000, 200);
      expect(lost.framesDecoded).toBeGreaterThan(0);
      t = Date.now();
      const put = await fetch(`${daemon.base}/api/v1/cameras/rtsp`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ source: server.url, rtsp_transport: 'tcp', stall_timeout: 3 }) });
      expect(put.status).toBe(200);
      const renamed = await online('rtsp', 0);
      timings.rename_recovered_ms = Date.now() - t;
      expect([renamed.width, renamed.height]).toEqual([640, 480]);
      await sleep(1000);
    } finally {
      sampling = false;
      await sampler;
    }

    // The file camera: online and rising at every 500 ms sample, through everything.
    expect(samples.length).toBeGreaterThan(10);
    for (let i = 1; i < samples.length; i++) {
      expect(samples[i]!.status, `file camera at sample ${i}`).toBe('online');
      expect(samples[i]!.frames, `file camera frames at sample ${i} (${samples[i]!.t - samples[i - 1]!.t} ms after the previous)`).toBeGreaterThan(samples[i - 1]!.frames);
    }
    const fileFps = ((samples.at(-1)!.frames - samples[0]!.frames) * 1000) / (samples.at(-1)!.t - samples[0]!.t);
    expect(fileFps).toBeGreaterThan(20);
    expect(daemon.alive()).toBe(true);
    reportFigures('camera-source', { ...timings, file_camera_samples: samples.length, file_camera_fps: Math.round(fileFps * 10) / 10, file_camera_gaps: 0 });
  }, 180_000);
});
