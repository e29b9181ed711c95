/** The one place ffmpeg and ffprobe are spawned: argument building (pure, tested) and process start. */
import { spawn, execFile, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import { VantageError } from '../errors.js';
import { redactUrl } from '../util/redact.js';
import { ffmpegInput } from './source-policy.js';
import type { Letterbox } from '../detect/types.js';
import { FRAME_PIX_FMT } from '../detect/preprocess.js';
import { tellingLine } from './source-diagnostic.js';

export type HwAccel = 'none' | 'cuda' | 'vaapi' | 'jetson';

export interface SourceSpec {
  url: string;
  loop: boolean;
  realtime: boolean;
  rtspTransport: 'tcp' | 'udp';
  hwaccel?: HwAccel;
}

/**
 * Decoder arguments for hardware decoding. Frames come back to system memory for the scale/pad
 * filters, so the rest of the command is the same for every option.
 * - cuda: NVDEC through ffmpeg's CUDA hwaccel (GPU boxes; needs an ffmpeg built with --enable-cuda).
 * - vaapi: Intel/AMD through /dev/dri/renderD128.
 * - jetson: JetPack's ffmpeg with the NVIDIA V4L2 decoders (h264_nvv4l2dec, hevc_nvv4l2dec, vp8/vp9):
 *   a decoder chosen by name has no software fallback, so another codec (MJPEG, MPEG-4 Part 2 …) is
 *   decoded in software; an unprobed stream is taken to be H.264, as IP cameras send.
 * cuda and vaapi are hints: ffmpeg decodes in software what the hardware cannot.
 */
export function hwaccelArgs(hw: HwAccel | undefined, codec?: string): string[] {
  switch (hw ?? 'none') {
    case 'none':
      return [];
    case 'cuda':
      return ['-hwaccel', 'cuda'];
    case 'vaapi':
      return ['-hwaccel', 'vaapi', '-hwaccel_device', '/dev/dri/renderD128'];
    case 'jetson': {
      const decoder = JETSON_DECODERS[codec ?? 'h264'];
      return decoder ? ['-c:v', decoder] : [];
    }
  }
}

/** Codecs (ffprobe's codec_name) JetPack's ffmpeg decodes on the NVDEC engine. */
const JETSON_DECODERS: Record<string, string> = { h264: 'h264_nvv4l2dec', hevc: 'hevc_nvv4l2dec', vp8: 'vp8_nvv4l2dec', vp9: 'vp9_nvv4l2dec' };

export interface StreamInfo {
  width: number;
  height: number;
  fps: number;
  /** Frame count when the container states it, else estimated from the duration (files only). */
  frames?: number;
  codec: string;
}

export function isNetworkUrl(url: string): boolean {
  return /^(rtsps?|https?|rtmp|srt|udp|tcp):\/\//i.test(url);
}

/** Input options (transport, timeouts, loop, pacing, hardware decoder) and `-i`: the same for every use of a source. */
export function inputArgs(spec: SourceSpec, codec?: string): string[] {
  const { options, input } = ffmpegInput(spec.url);
  const args: string[] = [...options];
  if (/^rtsps?:\/\//i.test(spec.url)) {
    // Socket I/O timeout in microseconds: an unreachable camera fails instead of hanging.
    args.push('-rtsp_transport', spec.rtspTransport, '-timeout', '5000000');
  } else if (/^https?:\/\//i.test(spec.url)) {
    args.push('-rw_timeout', '5000000', '-reconnect', '0');
  } else {
    if (spec.loop) args.push('-stream_loop', '-1');
  }
  if (spec.realtime && !isNetworkUrl(spec.url)) args.push('-re');
  args.push(...hwaccelArgs(spec.hwaccel, codec));
  args.push('-i', input);
  return args;
}

/** ffmpeg arguments that decode, letterbox to the model input (top-left, padded) and write planar gbrp frames to stdout. */
export function buildDecodeArgs(spec: SourceSpec, lb: Letterbox, padValue: number, codec?: string): string[] {
  const pad = padValue.toString(16).padStart(2, '0');
  const vf = `scale=${lb.width}:${lb.height}:flags=bilinear,pad=${lb.inputWidth}:${lb.inputHeight}:0:0:color=0x${pad}${pad}${pad}`;
  return [
    // Level-tagged verbose logs: errors for the camera's lastError, and the scaler's reports of its
    // input size, which reveal a source changing resolution mid-stream. Quiet in steady state.
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+verbose',
    ...singleThreaded(spec, lb),
    ...inputArgs(spec, codec),
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', vf,
    '-pix_fmt', FRAME_PIX_FMT,
    '-f', 'rawvideo',
    'pipe:1',
  ];
}

/** Sources up to this many pixels are decoded and scaled on one thread. */
const SINGLE_THREAD_MAX_PIXELS = 1920 * 1088;

/**
 * One decoding thread and one filter thread for software decoding up to 1080p. ffmpeg's default
 * (a thread per core, frame-threaded) makes each frame cost 15–25 % more CPU on this kind of stream,
 * adds a frame of delay per extra thread, and with several cameras on a few cores only adds
 * contention; one core decodes 1080p H.264 several times faster than a camera sends it. Larger
 * frames keep ffmpeg's choice.
 */
export function singleThreaded(spec: SourceSpec, lb: Letterbox): string[] {
  if ((spec.hwaccel ?? 'none') !== 'none' || lb.srcWidth * lb.srcHeight > SINGLE_THREAD_MAX_PIXELS) return [];
  return ['-filter_threads', '1', '-threads', '1'];
}

export type DecoderProcess = ChildProcessByStdio<null, Readable, Readable>;

export function spawnDecoder(args: string[]): DecoderProcess {
  return spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

export type FrameDecoderProcess = ChildProcessByStdio<null, null, Readable>;

/** Starts ffmpeg with `stdout` (one end of a frame channel) as its standard output. */
export function spawnFrameDecoder(args: string[], stdout: Socket): FrameDecoderProcess {
  return spawn('ffmpeg', args, { stdio: ['ignore', stdout, 'pipe'] });
}

/** Reads width, height and frame rate of the first video stream. */
export function probe(spec: Pick<SourceSpec, 'url' | 'rtspTransport'>, timeoutMs = 15_000): Promise<StreamInfo> {
  const { options, input } = ffmpegInput(spec.url);
  const args = [...options, '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames:format=duration', '-of', 'json'];
  if (/^rtsps?:\/\//i.test(spec.url)) args.push('-rtsp_transport', spec.rtspTransport, '-timeout', '5000000');
  args.push('-i', input);
  const shown = redactUrl(spec.url);
  return new Promise((resolve, reject) => {
    execFile('ffprobe', args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT') return reject(new VantageError('ERR_FFMPEG_MISSING', 'ffprobe not found on PATH (install ffmpeg)'));
        // The telling line: ffprobe often ends with a generic one ("…: Input/output error") after the cause.
        const why = e.killed ? `no answer within ${timeoutMs} ms` : tellingLine(stderr.trim().split('\n').filter(Boolean)).replace(/^\[[^\]]+ @ 0x[0-9a-f]+\] /, '').trim() || e.message;
        const code = isNetworkUrl(spec.url) ? 'ERR_SOURCE_UNREACHABLE' : 'ERR_SOURCE_INVALID';
        return reject(new VantageError(code, `cannot open ${shown}: ${redactUrl(why)}`));
      }
      let parsed: { streams?: Array<Record<string, unknown>>; format?: { duration?: string } };
      try {
        parsed = JSON.parse(stdout) as typeof parsed;
      } catch {
        return reject(new VantageError('ERR_SOURCE_INVALID', `ffprobe gave unreadable output for ${shown}`));
      }
      const s = parsed.streams?.[0];
      const width = Number(s?.width);
      const height = Number(s?.height);
      if (!s || !(width > 0) || !(height > 0)) {
        return reject(new VantageError('ERR_SOURCE_INVALID', `${shown} has no video stream`));
      }
      const fps = parseRate(String(s.avg_frame_rate ?? '')) || parseRate(String(s.r_frame_rate ?? '')) || 25;
      const stated = Number(s.nb_frames);
      const duration = Number(parsed.format?.duration);
      const frames = stated > 0 ? stated : duration > 0 && !isNetworkUrl(spec.url) ? Math.round(duration * fps) : 0;
      resolve({ width, height, fps, codec: String(s.codec_name ?? 'unknown'), ...(frames > 0 ? { frames } : {}) });
    });
  });
}

function parseRate(r: string): number {
  const [n, d] = r.split('/').map(Number);
  if (!n || !Number.isFinite(n)) return 0;
  const v = d ? n / d : n;
  return v > 0 && v < 1000 ? v : 0;
}

export type DecoderLogLine = { kind: 'error'; text: string } | { kind: 'input-size'; width: number; height: number } | { kind: 'other' };

/** Calls `onLine` with each whole line ffmpeg writes to stderr (a partial last line is kept, at most 2 KiB, until it ends). */
export function onLogLines(stderr: NodeJS.ReadableStream & { setEncoding(e: BufferEncoding): unknown }, onLine: (line: string) => void): void {
  let partial = '';
  stderr.setEncoding('utf8');
  stderr.on('data', (d: string) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop()!.slice(-2048);
    for (const line of lines) onLine(line);
  });
}

/** Classifies one line of the decoder's level-tagged stderr. */
export function parseDecoderLog(line: string): DecoderLogLine {
  const size = /\[Parsed_scale_\d+ @ [^\]]+\] \[verbose\] w:(\d+) h:(\d+) fmt:\S+ .*->/.exec(line);
  if (size) return { kind: 'input-size', width: Number(size[1]), height: Number(size[2]) };
  const err = /\[(error|fatal|panic)\] (.*)$/.exec(line);
  if (err) return { kind: 'error', text: err[2]!.trim() };
  return { kind: 'other' };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return (lines[lines.length - 1] ?? '').trim();
}

/**
 * Writes a copy of a video file that browsers play in <video>: H.264 in MP4 (moov first, so playback
 * starts before the download ends), video only, at most 1280 px wide, a key frame every 25 frames
 * (for seeking), and the source's frame timestamps kept, so a time in the copy is the same time in
 * the file the session analysed. x264's fastest preset: about 3 ms of CPU a 640×480 frame, where
 * VP8 took 60 ms.
 */
export function transcodeForBrowser(input: string, output: string, signal?: AbortSignal): Promise<void> {
  const args = [
    '-nostdin', '-v', 'error', '-y', '-i', input,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', "scale='min(1280,iw)':-2", '-fps_mode', 'passthrough',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-g', '25', '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart', '-f', 'mp4', output,
  ];
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', args, { maxBuffer: 1 << 20, ...(signal ? { signal } : {}) }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') return reject(new VantageError('ERR_FFMPEG_MISSING', 'ffmpeg not found on PATH (install ffmpeg)'));
      reject(new VantageError('ERR_SOURCE_INVALID', `cannot convert the video for the browser: ${lastLine(stderr) || e.message}`));
    });
  });
}

// --- recordings (issue 17) ---

export type RecorderProcess = ChildProcessByStdio<null, Readable, Readable>;

/** util-linux's setpriv (essential on Debian): sets the parent-death signal before it execs ffmpeg. */
const SETPRIV = '/usr/bin/setpriv';

/**
 * Starts a recorder (sources/record-args.ts): stdout carries its segment and progress lines. ffmpeg
 * ignores SIGPIPE and carries on writing files when the daemon is killed, so where setpriv exists it
 * gets SIGTERM when the daemon dies (it finishes its segment and exits; start-up repair indexes it).
 */
export function spawnRecorder(args: string[]): RecorderProcess {
  if (existsSync(SETPRIV)) return spawn(SETPRIV, ['--pdeathsig', 'TERM', 'ffmpeg', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs ffmpeg (or ffprobe) to completion; resolves with stdout, rejects with its last error line. */
export function runTool(tool: 'ffmpeg' | 'ffprobe', args: string[], timeoutMs = 60_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { timeout: timeoutMs, maxBuffer: 64 << 20, encoding: 'buffer' }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') return reject(new VantageError('ERR_FFMPEG_MISSING', `${tool} not found on PATH (install ffmpeg)`));
      reject(new VantageError('ERR_SOURCE_INVALID', `${tool} failed: ${e.killed ? `no answer within ${timeoutMs} ms` : lastLine(stderr.toString('utf8')) || e.message}`));
    });
  });
}

/** Seconds of video in a file (ffprobe's format duration), or 0 when it has none it can read. */
export async function mediaDuration(file: string): Promise<number> {
  try {
    const out = await runTool('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], 30_000);
    const d = Number(out.toString('utf8').trim());
    return Number.isFinite(d) && d > 0 ? d : 0;
  } catch {
    return 0;
  }
}
// --- end recordings ---

// --- session video time (issue 19) ---

/** A video file's own clock: when it was recorded (its creation_time tag) and how long it is. */
export interface VideoTimes {
  /** Unix ms of the file's first frame (creation_time of the container or the video stream), null when it has none. */
  createdMs: number | null;
  /** Milliseconds of video (the container's duration), null when unknown. */
  durationMs: number | null;
}

/** Reads a file's creation_time tag and duration (ffprobe); nulls for what it does not state or cannot read. */
export async function videoTimes(file: string): Promise<VideoTimes> {
  try {
    const out = await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'format=duration:format_tags=creation_time:stream_tags=creation_time', '-of', 'json', file], 30_000);
    return parseVideoTimes(out.toString('utf8'));
  } catch {
    return { createdMs: null, durationMs: null };
  }
}

/** ffprobe's JSON (format duration and tags, the first stream's tags) as VideoTimes. */
export function parseVideoTimes(json: string): VideoTimes {
  let p: { format?: { duration?: string; tags?: { creation_time?: string } }; streams?: Array<{ tags?: { creation_time?: string } }> };
  try {
    p = JSON.parse(json) as typeof p;
  } catch {
    return { createdMs: null, durationMs: null };
  }
  const d = Number(p.format?.duration);
  return { createdMs: creationMs(p.format?.tags?.creation_time) ?? creationMs(p.streams?.[0]?.tags?.creation_time) ?? null, durationMs: Number.isFinite(d) && d > 0 ? Math.round(d * 1000) : null };
}

/** An ISO creation_time (UTC when it names no zone) as unix ms; undefined for none, garbage or outside 1970–2100 (an unset MP4 clock reads 1904). */
function creationMs(tag: string | undefined): number | undefined {
  if (!tag || tag.length > 64) return undefined;
  const text = /(Z|[+-]\d\d:?\d\d)$/.test(tag.trim()) ? tag.trim() : `${tag.trim()}Z`;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isFinite(ms) && ms > 0 && ms < Date.UTC(2100, 0, 1) ? ms : undefined;
}
