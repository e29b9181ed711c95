import { describe, expect, it } from 'vitest';
import { letterbox } from '../detect/types.js';
import { buildDecodeArgs, hwaccelArgs, parseDecoderLog, probe } from './ffmpeg.js';
import { Backoff } from './backoff.js';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../config/paths.js';

const lb = letterbox(640, 480, 416, 416);

describe('ffmpeg arguments', () => {
  it('letterboxes to the model input, top-left, padded with the manifest value', () => {
    expect(lb).toMatchObject({ width: 416, height: 312, scaleX: 0.65, scaleY: 0.65 });
    const args = buildDecodeArgs({ url: 'clip.mp4', loop: true, realtime: true, rtspTransport: 'tcp' }, lb, 114);
    expect(args.join(' ')).toContain(`-stream_loop -1 -re -i file:${resolve('clip.mp4')}`);
    expect(args.join(' ')).toContain('-protocol_whitelist file -stream_loop');
    expect(args).toContain('scale=416:312:flags=bilinear,pad=416:416:0:0:color=0x727272');
    expect(args.slice(-5)).toEqual(['-pix_fmt', 'gbrp', '-f', 'rawvideo', 'pipe:1']);
  });

  it('uses the RTSP transport and a socket timeout, never -re or loop for live URLs', () => {
    const args = buildDecodeArgs({ url: 'rtsp://u:p@cam/1', loop: true, realtime: true, rtspTransport: 'udp' }, lb, 114).join(' ');
    expect(args).toContain('-rtsp_transport udp -timeout 5000000 -i rtsp://u:p@cam/1');
    expect(args).toContain('-protocol_whitelist rtsp,rtsps,rtp,srtp,udp,tcp,tls -rtsp_transport');
    expect(args).not.toContain('-re ');
    expect(args).not.toContain('-stream_loop');
  });

  it('decodes and scales on one thread up to 1080p in software; larger frames and hardware decoding keep ffmpeg\'s choice', () => {
    const spec = { url: 'rtsp://cam/1', loop: false, realtime: true, rtspTransport: 'tcp' } as const;
    const hd = buildDecodeArgs(spec, letterbox(1920, 1080, 416, 416), 114).join(' ');
    expect(hd).toContain('-filter_threads 1 -threads 1 -protocol_whitelist rtsp,rtsps,rtp,srtp,udp,tcp,tls -rtsp_transport tcp');
    expect(hd.indexOf('-threads 1')).toBeLessThan(hd.indexOf('-i rtsp://'));
    expect(buildDecodeArgs(spec, letterbox(3840, 2160, 416, 416), 114)).not.toContain('-threads');
    expect(buildDecodeArgs({ ...spec, hwaccel: 'cuda' }, lb, 114)).not.toContain('-threads');
  });

  it('runs files as fast as possible when realtime is off', () => {
    const args = buildDecodeArgs({ url: 'a.mkv', loop: false, realtime: false, rtspTransport: 'tcp' }, lb, 0);
    expect(args).not.toContain('-re');
    expect(args).toContain('scale=416:312:flags=bilinear,pad=416:416:0:0:color=0x000000');
  });
});

describe('hardware decoding', () => {
  it('maps each hwaccel option to its ffmpeg arguments, before the input', () => {
    expect(hwaccelArgs('none')).toEqual([]);
    expect(hwaccelArgs('cuda')).toEqual(['-hwaccel', 'cuda']);
    expect(hwaccelArgs('vaapi')).toEqual(['-hwaccel', 'vaapi', '-hwaccel_device', '/dev/dri/renderD128']);
    expect(hwaccelArgs('jetson', 'h264')).toEqual(['-c:v', 'h264_nvv4l2dec']);
    expect(hwaccelArgs('jetson', 'hevc')).toEqual(['-c:v', 'hevc_nvv4l2dec']);
    const args = buildDecodeArgs({ url: 'rtsp://cam/1', loop: false, realtime: true, rtspTransport: 'tcp', hwaccel: 'cuda' }, lb, 114).join(' ');
    expect(args).toContain('-hwaccel cuda -i rtsp://cam/1');
  });
});

describe('hardware decoding on GPU boxes and Jetsons', () => {
  it('Jetson: the NVDEC decoder for the probed codec; software for codecs it has none for; H.264 when unprobed', () => {
    expect(hwaccelArgs('jetson', 'vp9')).toEqual(['-c:v', 'vp9_nvv4l2dec']);
    expect(hwaccelArgs('jetson')).toEqual(['-c:v', 'h264_nvv4l2dec']);
    // A decoder chosen by name has no fallback: forcing h264_nvv4l2dec on MJPEG or MPEG-4 would fail.
    expect(hwaccelArgs('jetson', 'mjpeg')).toEqual([]);
    expect(hwaccelArgs('jetson', 'mpeg4')).toEqual([]);
  });

  it('puts the decoder options after the input options and right before -i, for files and cameras alike', () => {
    const file = buildDecodeArgs({ url: 'clip.mp4', loop: true, realtime: true, rtspTransport: 'tcp', hwaccel: 'cuda' }, lb, 114);
    expect(file.join(' ')).toContain(`-stream_loop -1 -re -hwaccel cuda -i file:${resolve('clip.mp4')}`);
    const jetson = buildDecodeArgs({ url: 'rtsp://cam/1', loop: false, realtime: true, rtspTransport: 'udp', hwaccel: 'jetson' }, lb, 114, 'hevc');
    expect(jetson.join(' ')).toContain('-rtsp_transport udp -timeout 5000000 -c:v hevc_nvv4l2dec -i rtsp://cam/1');
    const vaapi = buildDecodeArgs({ url: 'http://cam/mjpeg', loop: false, realtime: true, rtspTransport: 'tcp', hwaccel: 'vaapi' }, lb, 114, 'mjpeg');
    expect(vaapi.join(' ')).toContain('-reconnect 0 -hwaccel vaapi -hwaccel_device /dev/dri/renderD128 -i http://cam/mjpeg');
    // Frames come back to system memory: the scale/pad filter and the output are the same with or without.
    for (const args of [file, jetson, vaapi]) expect(args.slice(-7)).toEqual(['-vf', 'scale=416:312:flags=bilinear,pad=416:416:0:0:color=0x727272', '-pix_fmt', 'gbrp', '-f', 'rawvideo', 'pipe:1']);
  });

  it('without hardware decoding nothing is added', () => {
    const plain = buildDecodeArgs({ url: 'clip.mp4', loop: false, realtime: false, rtspTransport: 'tcp' }, lb, 114).join(' ');
    expect(plain).not.toMatch(/hwaccel|nvv4l2dec/);
    expect(buildDecodeArgs({ url: 'clip.mp4', loop: false, realtime: false, rtspTransport: 'tcp', hwaccel: 'none' }, lb, 114).join(' ')).toBe(plain);
  });
});

describe('decoder log', () => {
  it('picks out errors and the scaler input size from level-tagged lines', () => {
    expect(parseDecoderLog('[Parsed_scale_0 @ 0x55ae] [verbose] w:320 h:400 fmt:yuv420p sar:5/3 -> w:416 h:312 fmt:bgr24 sar:1/1 flags:0x2')).toEqual({ kind: 'input-size', width: 320, height: 400 });
    expect(parseDecoderLog("[Parsed_scale_0 @ 0x55ae] [verbose] w:416 h:312 flags:'bilinear' interl:0")).toEqual({ kind: 'other' });
    expect(parseDecoderLog('[error] /x.mp4: No such file or directory')).toEqual({ kind: 'error', text: '/x.mp4: No such file or directory' });
    expect(parseDecoderLog('[tcp @ 0x1] [error] Connection refused')).toEqual({ kind: 'error', text: 'Connection refused' });
    expect(parseDecoderLog('[mpegts @ 0x1] [warning] Packet corrupt')).toEqual({ kind: 'other' });
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

  it('opens a file as file:<path> under a file-only protocol whitelist: a protocol string is never followed', async () => {
    const campus = resolve(PACKAGE_ROOT, 'appliance/media/mot15/TUD-Campus/TUD-Campus.mp4');
    // ffmpeg would read the clip through subfile: (or concat:, data: …) if handed the string as is.
    await expect(probe({ url: `subfile,,start,0,end,0,,:${campus}`, rtspTransport: 'tcp' })).rejects.toMatchObject({ code: 'ERR_SOURCE_INVALID' });
    const http = buildDecodeArgs({ url: 'http://cam/mjpeg', loop: false, realtime: true, rtspTransport: 'tcp' }, lb, 114);
    expect(http.slice(http.indexOf('-protocol_whitelist'), http.indexOf('-protocol_whitelist') + 2)).toEqual(['-protocol_whitelist', 'http,https,tcp,tls,crypto,httpproxy']);
    expect(http[http.indexOf('-i') + 1]).toBe('http://cam/mjpeg');
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
