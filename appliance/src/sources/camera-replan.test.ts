import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../config/paths.js';
import { loadManifest } from '../detect/manifest.js';
import { planInput } from '../detect/input-plan.js';
import { frameBytes } from '../detect/preprocess.js';
import { silentLogger } from '../logger.js';
import { CameraSource } from './camera-source.js';

const CAMPUS = resolve(PACKAGE_ROOT, 'appliance/media/mot15/TUD-Campus/TUD-Campus.mp4'); // 640×480
const model = loadManifest(resolve(PACKAGE_ROOT, 'models/yolox-nano/manifest-any.json')).input;

describe('a live camera that changes resolution is re-planned', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vantage-replan-'));
  let server: ReturnType<typeof createServer>;
  let url = '';
  let requests = 0;
  beforeAll(async () => {
    // 640×480 (4:3), then the same scene at 320×400 (portrait); a camera reconnected after the change
    // sends the new size from the start.
    const a = join(dir, 'a.ts');
    const b = join(dir, 'b.ts');
    execFileSync('ffmpeg', ['-v', 'error', '-i', CAMPUS, '-frames:v', '30', '-c:v', 'mpeg2video', '-q:v', '4', '-f', 'mpegts', a]);
    execFileSync('ffmpeg', ['-v', 'error', '-i', CAMPUS, '-vf', 'scale=320:400', '-c:v', 'mpeg2video', '-q:v', '4', '-f', 'mpegts', b]);
    const ab = Buffer.concat([readFileSync(a), readFileSync(b)]);
    const bOnly = readFileSync(b);
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp2t' });
      res.end(requests++ < 2 ? ab : bOnly); // the probe and the first decoder see the change
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cam.ts`;
  });
  afterAll(() => server?.close());

  it('4:3 frames run at 416x320; after the switch to 320x400 the decoder restarts at once at 352x416', async () => {
    const src = new CameraSource(
      { id: 'r', spec: { url, loop: false, realtime: false, rtspTransport: 'tcp' }, inputWidth: 416, inputHeight: 416, plan: (w, h) => planInput(model, w, h), padValue: 114, policy: 'backpressure', slots: 3, retry: true },
      silentLogger(),
    );
    const seen: Array<{ input: string; src: string; bytes: number; seq: number }> = [];
    const errors = new Set<string>(); // the source's last error as each frame arrived (the clip's end may come later)
    const drain = () => {
      errors.add(src.stats().lastError ?? '');
      for (let f = src.take(); f; f = src.take()) {
        const lb = src.letterbox!;
        seen.push({ input: `${lb.inputWidth}x${lb.inputHeight}`, src: `${lb.srcWidth}x${lb.srcHeight}`, bytes: f.data.length, seq: f.seq });
        src.release(f);
      }
    };
    src.onFrame(drain);
    src.start();
    try {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && seen.filter((s) => s.input === '352x416').length < 20) await new Promise((r) => setTimeout(r, 50));
      const before = seen.filter((s) => s.input === '416x320');
      const after = seen.filter((s) => s.input === '352x416');
      expect(before.length).toBeGreaterThanOrEqual(20);
      expect(after.length).toBeGreaterThanOrEqual(20);
      expect(before.every((s) => s.src === '640x480' && s.bytes === frameBytes(416, 320))).toBe(true);
      expect(after.every((s) => s.src === '320x400' && s.bytes === frameBytes(352, 416))).toBe(true);
      // No frame of one size after a frame of the other: the switch happens once, and numbering goes on.
      const firstAfter = seen.findIndex((s) => s.input === '352x416');
      expect(seen.slice(firstAfter).every((s) => s.input === '352x416')).toBe(true);
      expect(seen[firstAfter]!.seq).toBeGreaterThan(seen[firstAfter - 1]!.seq);
      expect([...errors].filter((e) => e.includes('from 640x480 to 320x400; model input re-planned to 352x416'))).toHaveLength(1);
      // Re-planning is not a failure: no reconnect with backoff was needed.
      expect(src.stats().reconnects).toBe(0);
      expect(requests).toBe(3); // probe, decoder, decoder at the new plan (no second probe)
    } finally {
      await src.stop();
    }
  }, 40_000);
});
