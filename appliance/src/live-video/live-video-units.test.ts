import { describe, expect, it } from 'vitest';
import { liveSize, mpeg1Args, mpeg1Rate } from './live-ffmpeg-args.js';
import { TsPacketAligner } from './ts-packets.js';
import { letterboxedToI420 } from './frame-i420.js';
import { PLANE } from '../detect/preprocess.js';
import { letterbox, type Letterbox } from '../detect/types.js';

describe('live view ffmpeg arguments', () => {
  it('scales down to the widest allowed, never up, keeping the aspect ratio with even sides', () => {
    expect(liveSize(640, 480, 1280)).toEqual({ width: 640, height: 480 });
    expect(liveSize(1920, 1080, 1280)).toEqual({ width: 1280, height: 720 });
    expect(liveSize(2560, 1440, 1280)).toEqual({ width: 1280, height: 720 });
    expect(liveSize(721, 405, 1280)).toEqual({ width: 720, height: 404 });
    expect(liveSize(3840, 1607, 1280)).toEqual({ width: 1280, height: 536 });
  });

  it('picks a frame rate MPEG-1 knows: the source rate, else the next one up', () => {
    expect(mpeg1Rate(25)).toBe('25');
    expect(mpeg1Rate(29.97)).toBe('30000/1001');
    expect(mpeg1Rate(10)).toBe('24');
    expect(mpeg1Rate(15)).toBe('24');
    expect(mpeg1Rate(26)).toBe('30');
    expect(mpeg1Rate(120)).toBe('60');
  });

  it('decodes files in real time and looped, and RTSP with its transport, to MPEG-TS on stdout', () => {
    const file = { url: '/v/clip.mp4', loop: true, realtime: true, rtspTransport: 'tcp' as const };
    const a = mpeg1Args(file, { width: 640, height: 480 }, 25, 1000).join(' ');
    expect(a).toContain('-protocol_whitelist file -stream_loop -1 -re -i file:/v/clip.mp4');
    expect(a).toContain('-vf scale=640:480:flags=bilinear -r 25 -f mpegts');
    const rtsp = { url: 'rtsp://cam/sub', loop: false, realtime: true, rtspTransport: 'udp' as const, hwaccel: 'vaapi' as const };
    const m = mpeg1Args(rtsp, { width: 1280, height: 720 }, 12.5, 1000).join(' ');
    expect(m).toContain('-rtsp_transport udp');
    expect(m).toContain('-hwaccel vaapi');
    expect(m).not.toContain('-re ');
    expect(m).toContain('-r 24 -f mpegts -codec:v mpeg1video -b:v 1000k -bf 0');
  });
});

describe('letterboxedToI420 (the WebRTC picture of an analysed frame)', () => {
  /** A letterboxed gbrp frame: the picture area (w×h at the top left) in one colour, the padding grey. */
  function frame(lb: Letterbox, [r, g, b]: [number, number, number]): Uint8Array {
    const plane = lb.inputWidth * lb.inputHeight;
    const f = new Uint8Array(plane * 3).fill(114);
    for (let y = 0; y < lb.height; y++) {
      for (let x = 0; x < lb.width; x++) {
        const p = y * lb.inputWidth + x;
        f[PLANE.R * plane + p] = r;
        f[PLANE.G * plane + p] = g;
        f[PLANE.B * plane + p] = b;
      }
    }
    return f;
  }

  it('converts the picture area only, cropped to even sides, in BT.601 limited range, reusing its buffer', () => {
    const lb = letterbox(641, 481, 416, 416); // picture 416×312 (rounded), padding below
    expect([lb.width, lb.height]).toEqual([416, 312]);
    const white = letterboxedToI420(frame(lb, [255, 255, 255]), lb);
    expect([white.width, white.height, white.data.length]).toEqual([416, 312, 416 * 312 * 1.5]);
    expect(new Set(white.data.subarray(0, 416 * 312))).toEqual(new Set([235]));
    expect(new Set(white.data.subarray(416 * 312))).toEqual(new Set([128]));
    const red = letterboxedToI420(frame(lb, [255, 0, 0]), lb, white);
    expect(red).toBe(white); // same size: the same buffer
    expect([red.data[0], red.data[416 * 312], red.data[416 * 312 * 1.25]]).toEqual([82, 90, 240]);
    const odd = { ...lb, width: 415, height: 311 };
    expect(letterboxedToI420(frame(odd, [0, 0, 0]), odd, white)).toMatchObject({ width: 414, height: 310 });
  });
});

describe('TsPacketAligner', () => {
  it('sends only whole 188-byte packets and carries the rest to the next chunk', () => {
    const a = new TsPacketAligner();
    const stream = Buffer.alloc(188 * 5);
    for (let i = 0; i < 5; i++) stream[i * 188] = 0x47;
    const out: Buffer[] = [];
    for (const [from, to] of [[0, 100], [100, 400], [400, 940]] as const) {
      const p = a.push(stream.subarray(from, to));
      if (p) out.push(p);
    }
    expect(out.map((b) => b.length)).toEqual([376, 564]);
    expect(out.every((b) => b[0] === 0x47)).toBe(true);
    expect(Buffer.concat(out).equals(stream)).toBe(true);
  });
});
