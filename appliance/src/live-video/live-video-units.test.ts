import { describe, expect, it } from 'vitest';
import { FrameSplitter } from './frame-splitter.js';
import { i420Args, i420Bytes, liveSize, mpeg1Args, mpeg1Rate } from './live-ffmpeg-args.js';
import { TsPacketAligner } from './ts-packets.js';

describe('live view ffmpeg arguments', () => {
  it('scales down to the widest allowed, never up, keeping the aspect ratio with even sides', () => {
    expect(liveSize(640, 480, 1280)).toEqual({ width: 640, height: 480 });
    expect(liveSize(1920, 1080, 1280)).toEqual({ width: 1280, height: 720 });
    expect(liveSize(2560, 1440, 1280)).toEqual({ width: 1280, height: 720 });
    expect(liveSize(721, 405, 1280)).toEqual({ width: 720, height: 404 });
    expect(liveSize(3840, 1607, 1280)).toEqual({ width: 1280, height: 536 });
    expect(i420Bytes({ width: 640, height: 480 })).toBe(460_800);
  });

  it('picks a frame rate MPEG-1 knows: the source rate, else the next one up', () => {
    expect(mpeg1Rate(25)).toBe('25');
    expect(mpeg1Rate(29.97)).toBe('30000/1001');
    expect(mpeg1Rate(10)).toBe('24');
    expect(mpeg1Rate(15)).toBe('24');
    expect(mpeg1Rate(26)).toBe('30');
    expect(mpeg1Rate(120)).toBe('60');
  });

  it('decodes files in real time and looped, and RTSP with its transport, to I420 or MPEG-TS on stdout', () => {
    const file = { url: '/v/clip.mp4', loop: true, realtime: true, rtspTransport: 'tcp' as const };
    const a = i420Args(file, { width: 640, height: 480 }).join(' ');
    expect(a).toContain('-protocol_whitelist file -stream_loop -1 -re -i file:/v/clip.mp4');
    expect(a).toContain('-vf scale=640:480:flags=bilinear -pix_fmt yuv420p -f rawvideo pipe:1');
    const rtsp = { url: 'rtsp://cam/sub', loop: false, realtime: true, rtspTransport: 'udp' as const, hwaccel: 'vaapi' as const };
    const m = mpeg1Args(rtsp, { width: 1280, height: 720 }, 12.5, 1000).join(' ');
    expect(m).toContain('-rtsp_transport udp');
    expect(m).toContain('-hwaccel vaapi');
    expect(m).not.toContain('-re ');
    expect(m).toContain('-r 24 -f mpegts -codec:v mpeg1video -b:v 1000k -bf 0');
  });
});

describe('FrameSplitter', () => {
  it('cuts fixed-size frames out of chunks of any size, reusing one buffer', () => {
    const frames: number[][] = [];
    const s = new FrameSplitter(4, (f) => frames.push([...f]));
    s.write(Uint8Array.from([1, 2, 3]));
    s.write(Uint8Array.from([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]));
    expect(frames).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    s.reset(); // 13 is dropped: the producer restarted
    s.write(Uint8Array.from([20, 21, 22, 23]));
    expect(frames.at(-1)).toEqual([20, 21, 22, 23]);
    expect(s.frames).toBe(4);
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
