import { describe, expect, it } from 'vitest';
import { letterbox } from '../detect/types.js';
import { buildDecodeArgs, probe } from './ffmpeg.js';
import { Backoff } from './backoff.js';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../config/paths.js';

const lb = letterbox(640, 480, 416, 416);

describe('ffmpeg arguments', () => {
  it('letterboxes to the model input, top-left, padded with the manifest value', () => {
    expect(lb).toMatchObject({ width: 416, height: 312, scale: 0.65 });
    const args = buildDecodeArgs({ url: 'clip.mp4', loop: true, realtime: true, rtspTransport: 'tcp' }, lb, 'bgr24', 114);
    expect(args.join(' ')).toContain('-stream_loop -1 -re -i clip.mp4');
    expect(args).toContain('scale=416:312:flags=bilinear,pad=416:416:0:0:color=0x727272');
    expect(args.slice(-5)).toEqual(['-pix_fmt', 'bgr24', '-f', 'rawvideo', 'pipe:1']);
  });

  it('uses the RTSP transport and a socket timeout, never -re or loop for live URLs', () => {
    const args = buildDecodeArgs({ url: 'rtsp://u:p@cam/1', loop: true, realtime: true, rtspTransport: 'udp' }, lb, 'bgr24', 114).join(' ');
    expect(args).toContain('-rtsp_transport udp -timeout 5000000 -i rtsp://u:p@cam/1');
    expect(args).not.toContain('-re ');
    expect(args).not.toContain('-stream_loop');
  });

  it('runs files as fast as possible when realtime is off', () => {
    const args = buildDecodeArgs({ url: 'a.mkv', loop: false, realtime: false, rtspTransport: 'tcp' }, lb, 'rgb24', 0);
    expect(args).not.toContain('-re');
    expect(args).toContain('rgb24');
  });
});

describe('probe', () => {
  it('reads size and rate of a real clip', async () => {
    const info = await probe({ url: resolve(PACKAGE_ROOT, 'appliance/media/mot15/TUD-Campus/TUD-Campus.mp4'), rtspTransport: 'tcp' });
    expect(info).toMatchObject({ width: 640, height: 480, fps: 25, frames: 71 });
  });

  it('names the file and the problem for something that is not video', async () => {
    const notVideo = resolve(PACKAGE_ROOT, 'package.json');
    await expect(probe({ url: notVideo, rtspTransport: 'tcp' })).rejects.toMatchObject({ code: 'ERR_SOURCE_INVALID', message: expect.stringContaining(notVideo) });
  });

  it('redacts credentials when a camera is unreachable', async () => {
    await expect(probe({ url: 'rtsp://admin:hunter2@127.0.0.1:1/stream', rtspTransport: 'tcp' })).rejects.toMatchObject({
      code: 'ERR_SOURCE_UNREACHABLE',
      message: expect.not.stringContaining('hunter2'),
    });
  });
});

describe('Backoff', () => {
  it('doubles from 1 s to a 30 s ceiling with ±20% jitter', () => {
    const mid = new Backoff(1000, 30_000, () => 0.5);
    expect(Array.from({ length: 7 }, () => mid.next())).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    const low = new Backoff(1000, 30_000, () => 0);
    expect(low.next()).toBe(800);
    mid.reset();
    expect(mid.next()).toBe(1000);
  });
});
