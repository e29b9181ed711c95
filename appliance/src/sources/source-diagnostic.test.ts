import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterbox } from '../detect/types.js';
import { buildDecodeArgs, onLogLines, parseDecoderLog, probe } from './ffmpeg.js';
import {
  ErrorLines,
  exitMessage,
  killedMessage,
  resolutionMessage,
  sessionDiagnostic,
  sourceDiagnostic,
  stallMessage,
  streamEndedMessage,
  tellingLine,
} from './source-diagnostic.js';
import { freePort } from '../../test/helpers.js';

/**
 * The classifier against what ffmpeg really prints: each case runs ffmpeg with the camera decoder's
 * own arguments (buildDecodeArgs) against a real failing source on this machine, reads its
 * level-tagged stderr as CameraSource does, and classifies the telling line; ffprobe (probe(), the
 * first step of every connect) is run the same way.
 */

const dir = mkdtempSync(join(tmpdir(), 'vantage-diag-'));
let http: Server;
let httpPort = 0;
let closedPort = 0;

function ffmpegTool(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

beforeAll(async () => {
  // A local HTTP server answering each path with its status, like a camera's HTTP stream would.
  http = createHttpServer((req, res) => {
    const status = Number(/^\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 404);
    res.writeHead(status, { 'content-length': '0' });
    res.end();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as AddressInfo).port;
  closedPort = await freePort(); // nothing listens there
  writeFileSync(join(dir, 'notes.mp4'), 'these are meeting notes, not a video\n');
  ffmpegTool(['-f', 'lavfi', '-i', 'sine=d=1', join(dir, 'audio.m4a')]);
  // A video stream of a codec this ffmpeg has no decoder for: an FFV1 AVI whose FourCC is made unknown.
  ffmpegTool(['-f', 'lavfi', '-i', 'testsrc=s=64x48:d=1', '-c:v', 'ffv1', join(dir, 'ffv1.avi')]);
  const avi = readFileSync(join(dir, 'ffv1.avi'));
  writeFileSync(join(dir, 'unknown-codec.avi'), Buffer.from(avi.toString('latin1').replaceAll('FFV1', 'QQQQ'), 'latin1'));
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => http.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the camera decoder's ffmpeg on `url` to its end; the error lines it printed, and the telling one. */
function decode(url: string, extra: { codec?: string; hwaccel?: 'jetson' } = {}): Promise<{ lines: string[]; telling: string; code: number | null }> {
  const lb = letterbox(64, 48, 64, 64);
  const args = buildDecodeArgs({ url, loop: false, realtime: false, rtspTransport: 'tcp', ...(extra.hwaccel ? { hwaccel: extra.hwaccel } : {}) }, lb, 114, extra.codec);
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const errors = new ErrorLines();
  const lines: string[] = [];
  onLogLines(proc.stderr, (line) => {
    const e = parseDecoderLog(line);
    if (e.kind === 'error') {
      errors.add(e.text);
      lines.push(e.text);
    }
  });
  return new Promise((resolve) => proc.on('close', (code) => resolve({ lines, telling: errors.telling, code })));
}

async function probeError(url: string): Promise<string> {
  try {
    await probe({ url, rtspTransport: 'tcp' });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`probe of ${url} succeeded`);
}

describe('source diagnostics from real ffmpeg output', () => {
  it('an RTSP camera on a closed 127.0.0.1 port: connection_refused', async () => {
    const url = `rtsp://127.0.0.1:${closedPort}/cam1`;
    const run = await decode(url);
    expect(run.code).not.toBe(0);
    expect(run.telling).toMatch(/Connection refused/);
    expect(sourceDiagnostic(run.telling)).toEqual({ code: 'connection_refused', params: {} });
    expect(sourceDiagnostic(await probeError(url)).code).toBe('connection_refused');
  });

  it('a camera host that does not resolve: host_unreachable naming the host, not the generic I/O error ffmpeg ends with', async () => {
    const url = 'rtsp://camera.invalid:554/stream';
    const run = await decode(url);
    // ffmpeg's last error line says only "Input/output error"; the telling one is before it.
    expect(run.lines.at(-1)).toMatch(/Input\/output error/);
    expect(sourceDiagnostic(run.lines.at(-1)!).code).toBe('other');
    expect(sourceDiagnostic(run.telling)).toEqual({ code: 'host_unreachable', params: { host: 'camera.invalid' } });
    const probed = await probeError(url);
    expect(probed).toMatch(/Failed to resolve hostname camera\.invalid/);
    expect(sourceDiagnostic(probed).code).toBe('host_unreachable');
  });

  it.each([
    [401, 'auth_failed', { status: 401 }],
    [403, 'auth_failed', { status: 403 }],
    [404, 'not_found', {}],
    [500, 'server_error', {}],
  ] as const)('an HTTP source answering %i: %s', async (status, code, params) => {
    const url = `http://127.0.0.1:${httpPort}/${status}/stream.mjpg`;
    const run = await decode(url);
    expect(run.telling).toMatch(/Server returned/);
    expect(sourceDiagnostic(run.telling)).toEqual({ code, params });
    expect(sourceDiagnostic(await probeError(url))).toEqual({ code, params });
  });

  it('a file that is not there: file_not_found; a text file named .mp4: invalid_data', async () => {
    const missing = await decode(join(dir, 'missing.mp4'));
    expect(missing.telling).toMatch(/No such file or directory/);
    expect(sourceDiagnostic(missing.telling).code).toBe('file_not_found');
    expect(sourceDiagnostic(await probeError(join(dir, 'missing.mp4'))).code).toBe('file_not_found');
    const notes = await decode(join(dir, 'notes.mp4'));
    expect(notes.telling).toMatch(/Invalid data found when processing input/);
    expect(sourceDiagnostic(notes.telling).code).toBe('invalid_data');
    expect(sourceDiagnostic(await probeError(join(dir, 'notes.mp4'))).code).toBe('invalid_data');
  });

  it('an audio-only file: no_video_stream, from ffmpeg and from our probe', async () => {
    const run = await decode(join(dir, 'audio.m4a'));
    expect(run.telling).toMatch(/matches no streams/);
    expect(sourceDiagnostic(run.telling).code).toBe('no_video_stream');
    expect(sourceDiagnostic(await probeError(join(dir, 'audio.m4a'))).code).toBe('no_video_stream');
  });

  it('a codec ffmpeg cannot decode, and a decoder this ffmpeg lacks: unsupported_codec naming it', async () => {
    const run = await decode(join(dir, 'unknown-codec.avi'));
    expect(run.telling).toMatch(/Decoder \(codec none\) not found/);
    expect(sourceDiagnostic(run.telling)).toEqual({ code: 'unsupported_codec', params: {} });
    const jetson = await decode(join(dir, 'ffv1.avi'), { hwaccel: 'jetson', codec: 'h264' });
    expect(jetson.telling).toMatch(/Unknown decoder 'h264_nvv4l2dec'/);
    expect(sourceDiagnostic(jetson.telling)).toEqual({ code: 'unsupported_codec', params: { codec: 'h264_nvv4l2dec' } });
  });

  it('a server that accepts and never answers: timeout with the seconds waited', async () => {
    const silent = createTcpServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const message = await new Promise<string>((resolve) => {
        probe({ url: `rtsp://127.0.0.1:${port}/cam1`, rtspTransport: 'tcp' }, 1500).then(() => resolve('answered'), (e: Error) => resolve(e.message));
      });
      expect(message).toMatch(/no answer within 1500 ms/);
      expect(sourceDiagnostic(message)).toEqual({ code: 'timeout', params: { seconds: 2 } });
      // The HTTP decoder's own socket timeout (-rw_timeout, 5 s) says so in its words.
      const run = await decode(`http://127.0.0.1:${port}/stream.mjpg`);
      expect(run.telling).toMatch(/Connection timed out/);
      expect(sourceDiagnostic(run.telling).code).toBe('timeout');
    } finally {
      silent.close();
    }
  });
});

describe('source diagnostics of our own messages', () => {
  it('reads back every message this appliance words itself', () => {
    expect(sourceDiagnostic(stallMessage(10))).toEqual({ code: 'no_frames', params: { seconds: 10 } });
    expect(sourceDiagnostic(exitMessage(1))).toEqual({ code: 'decoder_exited', params: { code: 1 } });
    expect(sourceDiagnostic(killedMessage('SIGKILL'))).toEqual({ code: 'decoder_killed', params: { signal: 'SIGKILL' } });
    expect(sourceDiagnostic(streamEndedMessage('rtsp://***:***@cam/1'))).toEqual({ code: 'stream_ended', params: {} });
    expect(sourceDiagnostic(resolutionMessage([640, 480], [1280, 720], [416, 256]))).toEqual({ code: 'resolution_changed', params: { from: '640x480', to: '1280x720', input: '416x256' } });
    expect(sourceDiagnostic(resolutionMessage([640, 480], [320, 240], null))).toEqual({ code: 'resolution_changed', params: { from: '640x480', to: '320x240' } });
    expect(sourceDiagnostic('something nobody has seen before').code).toBe('other');
    expect(tellingLine([])).toBe('');
  });

  it("classifies a session's stored error as analyse-file wraps it, and a cancelled session", () => {
    expect(sessionDiagnostic('failed', 'cannot analyse /media/clip.mp4: /media/clip.mp4: Invalid data found when processing input')?.code).toBe('invalid_data');
    expect(sessionDiagnostic('failed', 'no such file: /media/gone.mp4')?.code).toBe('file_not_found');
    expect(sessionDiagnostic('failed', 'cannot analyse x.avi: ffmpeg exited with code 1')).toEqual({ code: 'decoder_exited', params: { code: 1 } });
    expect(sessionDiagnostic('cancelled', null)?.code).toBe('cancelled');
    expect(sessionDiagnostic('completed', null)).toBeNull();
  });
});
