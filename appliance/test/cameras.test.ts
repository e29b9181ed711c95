import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import type { CameraView } from '../src/api/types.js';
import { validateConfig } from '../src/config/loader.js';
import type { ConfigInput } from '../src/config/schema.js';
import { silentLogger } from '../src/logger.js';
import { api, CAMPUS, freePort, json, MEDIA, STADTMITTE, startCli, tempDir, waitFor } from './helpers.js';

async function startApp(doc: ConfigInput): Promise<{ app: Appliance; base: string; cams: () => Promise<CameraView[]>; cam: (id: string) => Promise<CameraView | undefined> }> {
  const app = new Appliance(validateConfig({ http: { port: 0 }, ...doc }), silentLogger());
  await app.start();
  const base = `http://127.0.0.1:${app.address!.port}`;
  const cams = async () => ((await (await api(`${base}/api/v1/cameras`)).json()) as { cameras: CameraView[] }).cameras;
  return { app, base, cams, cam: async (id) => (await cams()).find((c) => c.id === id) };
}


/** Samples a camera every 250 ms while `during` runs: it must stay online with frames rising. */
async function staysUp(cam: () => Promise<CameraView | undefined>, during: () => Promise<void>): Promise<number> {
  let samples = 0;
  let failure: string | undefined;
  let last = (await cam())!.framesDecoded;
  let running = true;
  const sampler = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, 250));
      const c = await cam();
      samples++;
      if (c?.status !== 'online') failure ??= `status ${c?.status}`;
      if (c && c.framesDecoded <= last) failure ??= `no new frame in 250 ms (${c.framesDecoded})`;
      if (c) last = c.framesDecoded;
    }
  })();
  try {
    await during();
  } finally {
    running = false;
    await sampler;
  }
  expect(failure).toBeUndefined();
  return samples;
}

describe('cameras added, changed and removed at run time through the API', () => {
  const dir = tempDir();
  const db = join(dir, 'v.db');
  let ctx: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    ctx = await startApp({ storage: { path: db }, cameras: [{ id: 'a', source: CAMPUS, loop: true }] });
    await waitFor('camera a online', async () => ((await ctx.cam('a'))?.status === 'online' ? true : undefined));
  });
  afterAll(async () => ctx?.app.stop());

  it('adds, changes and removes camera b while camera a keeps streaming without a gap', async () => {
    const samples = await staysUp(
      () => ctx.cam('a'),
      async () => {
        const created = await api(`${ctx.base}/api/v1/cameras`, json('POST', { id: 'b', name: 'B', source: STADTMITTE, loop: true }));
        expect(created.status).toBe(201);
        await waitFor('b online', async () => ((await ctx.cam('b'))?.fps ?? 0) > 0 || undefined);
        const changed = await api(`${ctx.base}/api/v1/cameras/b`, json('PUT', { name: 'B2', source: CAMPUS, loop: true }));
        expect(changed.status).toBe(200);
        const b = await waitFor('b restarted on the new source', async () => {
          const c = await ctx.cam('b');
          return c?.name === 'B2' && c.status === 'online' ? c : undefined;
        });
        expect(b.source).toBe(CAMPUS);
        expect((await api(`${ctx.base}/api/v1/cameras/b`, { method: 'DELETE' })).status).toBe(204);
        expect(await ctx.cam('b')).toBeUndefined();
      },
    );
    expect(samples).toBeGreaterThanOrEqual(4);
    expect((await ctx.cam('a'))!.reconnects).toBe(0);
  });

  it('answers bad requests with the status and the field', async () => {
    const dup = await api(`${ctx.base}/api/v1/cameras`, json('POST', { id: 'a', source: CAMPUS }));
    expect(dup.status).toBe(409);
    const bad = await api(`${ctx.base}/api/v1/cameras`, json('POST', { id: 'Bad Id', source: '', fps: 3 }));
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { fields: Array<{ field: string }> } }).error.fields.map((f) => f.field).sort();
    expect(fields).toEqual(['fps', 'id', 'source']);
    const malformed = await api(`${ctx.base}/api/v1/cameras`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id": ' });
    expect(malformed.status).toBe(400);
    expect((await api(`${ctx.base}/api/v1/cameras/zzz`, json('PUT', { source: CAMPUS }))).status).toBe(404);
    expect((await api(`${ctx.base}/api/v1/cameras/zzz`, { method: 'DELETE' })).status).toBe(404);
  });

  it('keeps API changes across a restart: added cameras stay, removed config cameras stay removed', async () => {
    expect((await api(`${ctx.base}/api/v1/cameras`, json('POST', { id: 'c', source: CAMPUS, loop: true }))).status).toBe(201);
    expect((await api(`${ctx.base}/api/v1/cameras/a`, { method: 'DELETE' })).status).toBe(204);
    await ctx.app.stop();
    ctx = await startApp({ storage: { path: db }, cameras: [{ id: 'a', source: CAMPUS, loop: true }] });
    expect((await ctx.cams()).map((c) => c.id)).toEqual(['c']);
  });
});

describe('camera sources that fail, each a clear per-camera error while the rest runs', () => {
  const dir = tempDir();
  let ctx: Awaited<ReturnType<typeof startApp>>;
  let mjpeg: Server;
  let mjpegPort = 0;
  const feeds = new Set<ChildProcess>();
  /** Boxes of the resizing camera once it is past the change (the clip has 71 frames per part). */
  const resizedBoxes: Array<{ x2: number; y2: number }> = [];

  beforeAll(async () => {
    writeFileSync(join(dir, 'notes.mp4'), 'not a video at all\n'.repeat(50));
    // A stream whose resolution changes half-way: 640x480, then 320x400.
    const a = join(dir, 'a.ts');
    const b = join(dir, 'b.ts');
    execFileSync('ffmpeg', ['-v', 'error', '-i', CAMPUS, '-c:v', 'mpeg2video', '-q:v', '4', '-f', 'mpegts', a]);
    execFileSync('ffmpeg', ['-v', 'error', '-i', CAMPUS, '-vf', 'scale=320:400', '-c:v', 'mpeg2video', '-q:v', '4', '-f', 'mpegts', b]);
    writeFileSync(join(dir, 'ab.ts'), Buffer.concat([execFileSync('cat', [a]), execFileSync('cat', [b])]));
    // An HTTP MJPEG camera (multipart/x-mixed-replace), as cheap IP cameras serve.
    mjpegPort = await freePort();
    mjpeg = createServer((req, res) => {
      const ff = spawn('ffmpeg', ['-v', 'error', '-re', '-stream_loop', '-1', '-i', CAMPUS, '-c:v', 'mjpeg', '-q:v', '6', '-f', 'mpjpeg', '-boundary_tag', 'frame', '-']);
      feeds.add(ff);
      res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace;boundary=frame' });
      ff.stdout.pipe(res);
      req.on('close', () => ff.kill('SIGKILL'));
    }).listen(mjpegPort, '127.0.0.1');
    ctx = await startApp({
      storage: { path: join(dir, 'v.db'), media_dirs: [MEDIA, dir] },
      cameras: [
        { id: 'good', source: CAMPUS, loop: true },
        { id: 'nohost', source: 'rtsp://user:secret@no-such-host.invalid:554/stream' },
        { id: 'notvideo', source: join(dir, 'notes.mp4') },
        { id: 'resize', source: join(dir, 'ab.ts') },
        { id: 'mjpeg', source: `http://127.0.0.1:${mjpegPort}/video` },
      ],
    });
    ctx.app.events.subscribe((e) => {
      if (e.type === 'track.update' && e.camera === 'resize' && e.seq >= 75) for (const t of e.tracks) resizedBoxes.push(t.box);
    });
  });
  afterAll(async () => {
    await ctx?.app.stop();
    mjpeg?.close();
    for (const f of feeds) f.kill('SIGKILL');
  });

  it('an unresolvable RTSP host: offline, the reason without credentials, retried with backoff', async () => {
    const c = await waitFor('nohost retried', async () => {
      const v = await ctx.cam('nohost');
      return v && v.reconnects >= 1 ? v : undefined;
    }, 20_000);
    expect(c.status).toBe('offline');
    expect(c.lastError).toMatch(/no-such-host\.invalid/);
    expect(c.lastError).not.toContain('secret');
    expect(c.source).toBe('rtsp://***:***@no-such-host.invalid:554/stream');
  });

  it('a file that is not video: offline with the reason', async () => {
    const c = await waitFor('notvideo error', async () => (await ctx.cam('notvideo'))?.lastError ? ctx.cam('notvideo') : undefined);
    expect(c!.status).toBe('offline');
    expect(c!.lastError).toMatch(/notes\.mp4/);
  });

  it('a source that changes resolution mid-stream: reported, boxes mapped to the new size', async () => {
    const c = await waitFor('resize noticed', async () => {
      const v = await ctx.cam('resize');
      return v?.lastError?.includes('resolution changed') && resizedBoxes.length > 20 ? v : undefined;
    }, 30_000);
    expect(c.lastError).toContain('from 640x480 to 320x400');
    expect(c.status).toBe('online');
    expect([c.width, c.height]).toEqual([320, 400]);
    // The people are still found, in the coordinates of the new picture size.
    expect(resizedBoxes.every((b) => b.x2 <= 320 && b.y2 <= 400)).toBe(true);
  });

  it('an HTTP MJPEG camera streams like any other', async () => {
    const c = await waitFor('mjpeg online', async () => {
      const v = await ctx.cam('mjpeg');
      return v && v.status === 'online' && v.framesInferred > 10 ? v : undefined;
    }, 20_000);
    expect([c.width, c.height]).toEqual([640, 480]);
  });

  it('the good camera was never affected, and /metrics shows each camera status', async () => {
    const good = (await ctx.cam('good'))!;
    expect(good.status).toBe('online');
    expect(good.reconnects).toBe(0);
    const text = await (await fetch(`${ctx.base}/metrics`)).text();
    expect(text).toContain('vantage_camera_status{camera="good",status="online"} 1');
    expect(text).toContain('vantage_camera_status{camera="nohost",status="offline"} 1');
    expect(text).toMatch(/vantage_camera_reconnects\{camera="nohost"\} [1-9]/);
    expect(text).toMatch(/vantage_camera_last_frame_timestamp_seconds\{camera="good"\} \d{10}/);
  });
});

describe('detect_every and the motion gate', () => {
  it('detect_every 3: one frame in three goes through the detector, tracks carried in between', async () => {
    const dir = tempDir();
    const ctx = await startApp({ storage: { path: join(dir, 'v.db') }, cameras: [{ id: 'x', source: CAMPUS, loop: true, detect_every: 3 }] });
    let carried = 0;
    const off = ctx.app.events.subscribe((e) => {
      if (e.type === 'track.update' && !e.inferred && e.tracks.length > 0) carried++;
    });
    try {
      const c = await waitFor('60 frames', async () => {
        const v = await ctx.cam('x');
        return v && v.framesInferred + v.framesSkipped >= 60 ? v : undefined;
      });
      const share = c.framesInferred / (c.framesInferred + c.framesSkipped);
      expect(share).toBeGreaterThan(0.28);
      expect(share).toBeLessThan(0.4);
      expect(carried).toBeGreaterThan(10);
    } finally {
      off();
      await ctx.app.stop();
    }
  });

  it('motion gate: a still scene is mostly skipped, a busy one is not', async () => {
    const dir = tempDir();
    const still = join(dir, 'still.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-i', CAMPUS, '-vf', 'trim=end_frame=1,loop=loop=99:size=1,setpts=N/25/TB', '-r', '25', '-c:v', 'mpeg4', still]);
    const ctx = await startApp({
      storage: { path: join(dir, 'v.db'), media_dirs: [MEDIA, dir] },
      cameras: [
        { id: 'still', source: still, loop: true, motion_threshold: 0.01 },
        { id: 'busy', source: CAMPUS, loop: true, motion_threshold: 0.01 },
      ],
    });
    try {
      const [s, b] = await waitFor('50 frames each', async () => {
        const s = await ctx.cam('still');
        const b = await ctx.cam('busy');
        const n = (v?: CameraView) => (v ? v.framesInferred + v.framesSkipped : 0);
        return n(s) >= 50 && n(b) >= 50 ? [s!, b!] : undefined;
      });
      expect(s.framesSkipped / (s.framesInferred + s.framesSkipped)).toBeGreaterThan(0.8);
      expect(b.framesSkipped / (b.framesInferred + b.framesSkipped)).toBeLessThan(0.2);
    } finally {
      await ctx.app.stop();
    }
  });
});

describe('SIGHUP reloads cameras in the running daemon', () => {
  it('adds a camera from the edited file without touching the first; an invalid edit changes nothing', async () => {
    const dir = tempDir();
    const port = await freePort();
    const cfg = join(dir, 'config.yaml');
    const base = `http:\n  port: ${port}\nstorage:\n  path: ${join(dir, 'v.db')}\ncameras:\n  - id: a\n    source: ${CAMPUS}\n    loop: true\n`;
    writeFileSync(cfg, base);
    const child = startCli(['run', '--config', cfg]);
    const cams = async () => ((await (await api(`http://127.0.0.1:${port}/api/v1/cameras`)).json()) as { cameras: CameraView[] }).cameras;
    try {
      await waitFor('a online', async () => ((await cams())[0]?.status === 'online' ? true : undefined));
      writeFileSync(cfg, `${base}  - id: b\n    source: ${STADTMITTE}\n    loop: true\n`);
      child.kill('SIGHUP');
      const both = await waitFor('b online', async () => {
        const c = await cams();
        return c.find((x) => x.id === 'b')?.status === 'online' ? c : undefined;
      });
      expect(both.find((x) => x.id === 'a')!.reconnects).toBe(0);
      writeFileSync(cfg, `${base}  - id: c\n    sorce: nowhere\n`);
      child.kill('SIGHUP');
      await waitFor('the refusal in the log', () => (child.output().includes('config reload refused') ? true : undefined));
      expect((await cams()).map((c) => c.id)).toEqual(['a', 'b']);
      expect(child.output()).toContain('cameras[1].sorce');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
