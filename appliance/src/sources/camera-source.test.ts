import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../config/paths.js';
import { letterbox } from '../detect/types.js';
import { silentLogger } from '../logger.js';
import { CameraSource } from './camera-source.js';
import { buildDecodeArgs } from './ffmpeg.js';
import { frameSocketDir, socketParent } from './frame-channel.js';

const CAMPUS = resolve(PACKAGE_ROOT, 'appliance/media/mot15/TUD-Campus/TUD-Campus.mp4'); // 640×480, 71 frames
const spec = { url: CAMPUS, loop: false, realtime: false, rtspTransport: 'tcp' } as const;

/** MD5 of every frame ffmpeg itself writes with the same arguments: what must land in the ring. */
function referenceMd5s(): string[] {
  const args = buildDecodeArgs(spec, letterbox(640, 480, 416, 416), 114).slice(0, -3); // without `-f rawvideo pipe:1`
  const out = execFileSync('ffmpeg', [...args, '-f', 'framemd5', '-'], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim());
}

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const frameSockets = () => readdirSync(frameSocketDir()!);

describe('CameraSource: frames read straight into the ring', () => {
  it('delivers every frame byte for byte as ffmpeg wrote it, also when a slow consumer pauses the decoder', async () => {
    const want = referenceMd5s();
    expect(want).toHaveLength(71);
    const src = new CameraSource({ id: 't', spec, inputWidth: 416, inputHeight: 416, padValue: 114, policy: 'backpressure', slots: 3, retry: false }, silentLogger());
    const got: string[] = [];
    let busy = false;
    // Takes one frame at a time and holds it 5 ms: the ring fills and the socket is paused and resumed many times.
    const drain = () => {
      if (busy) return;
      const f = src.take();
      if (!f) return;
      busy = true;
      got.push(md5(f.data));
      setTimeout(() => {
        busy = false;
        src.release(f);
        drain();
      }, 5);
    };
    src.onFrame(drain);
    const ended = new Promise<string | undefined>((r) => src.onEnd(r));
    src.start();
    expect(await ended).toBeUndefined();
    while (src.waiting || busy) await new Promise((r) => setTimeout(r, 10)), drain();
    await src.stop();
    expect(got).toEqual(want);
    expect(src.stats()).toMatchObject({ framesDecoded: 71, framesDropped: 0 });
    expect(frameSockets()).toEqual([]); // each socket's path is removed once connected
  });

  it('live policy: a consumer that never reads loses old frames, counted, and always gets the newest one', async () => {
    const want = referenceMd5s();
    const src = new CameraSource({ id: 't', spec, inputWidth: 416, inputHeight: 416, padValue: 114, policy: 'drop-oldest', slots: 3, retry: false }, silentLogger());
    const ended = new Promise<string | undefined>((r) => src.onEnd(r));
    src.start();
    expect(await ended).toBeUndefined();
    const f = src.take()!;
    expect(md5(f.data)).toBe(want[70]);
    expect(f.seq).toBe(70);
    expect(src.stats()).toMatchObject({ framesDecoded: 71, framesDropped: 70 });
    await src.stop();
  });
});

describe('frame socket paths', () => {
  it('stay within the 108 bytes a Unix socket path may have, whatever TMPDIR is', () => {
    expect(socketParent('/tmp')).toBe('/tmp');
    expect(socketParent(`/var/tmp/${'x'.repeat(120)}`)).toBe('/tmp');
    // parent + /vantage-sock-XXXXXX/ + pid-counter.sock
    expect(`${socketParent('/a'.repeat(32))}/vantage-sock-XXXXXX/4194304-1000000.sock`.length).toBeLessThan(108);
  });
});
