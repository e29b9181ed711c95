import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { VantageError } from '../errors.js';
import { runTool } from './ffmpeg.js';

/** A video's picture size and frame rate (ffprobe), for re-encoding it frame by frame. */
export async function videoGeometry(file: string): Promise<{ width: number; height: number; fps: number }> {
  const out = (await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate', '-of', 'json', file], 30_000)).toString('utf8');
  const s = (JSON.parse(out) as { streams?: Array<{ width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }> }).streams?.[0];
  const rate = (r: string | undefined) => {
    const [n, d] = (r ?? '').split('/').map(Number);
    return n && d ? n / d : 0;
  };
  const fps = rate(s?.avg_frame_rate) || rate(s?.r_frame_rate);
  if (!s?.width || !s.height || !(fps > 0 && fps <= 240)) throw new VantageError('ERR_SOURCE_INVALID', `${file}: no video stream with a size and frame rate`);
  return { width: s.width, height: s.height, fps };
}

/** Presentation times (seconds from the first) of a video's frames, in display order (packet times, nothing decoded). */
export async function frameTimes(file: string): Promise<number[]> {
  const out = (await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], 30_000)).toString('utf8');
  const pts = out
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  return pts.map((t) => t - pts[0]!);
}

/**
 * Re-encodes a video's first video stream (H.264 in MP4, faststart) with every frame passed through
 * `filter` as packed RGB (width×height×3), which it changes in place; `filter` gets the frame's index, its time in seconds from the first frame (its own timestamp) and size.
 * One ffmpeg decodes to raw frames on a pipe, the other encodes from one; frames flow with back
 * pressure, so memory stays at a few frames whatever the length.
 */
export async function filterVideo(input: string, output: string, filter: (rgb: Buffer, frame: { index: number; seconds: number; width: number; height: number }) => void, timeoutMs = 300_000): Promise<void> {
  const { width, height, fps } = await videoGeometry(input);
  const times = await frameTimes(input);
  const frameBytes = width * height * 3;
  const decoder = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', input, '-map', '0:v:0', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const encoder = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', String(Math.max(1, Math.round(fps))), '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4', output], { stdio: ['pipe', 'ignore', 'pipe'] });
  const errors: string[] = [];
  decoder.stderr.on('data', (d: Buffer) => errors.push(`decode: ${d.toString('utf8').trim()}`));
  encoder.stderr.on('data', (d: Buffer) => errors.push(`encode: ${d.toString('utf8').trim()}`));
  encoder.stdin.on('error', () => undefined); // an encoder that died is reported by its exit code
  const timer = setTimeout(() => {
    errors.push(`no result within ${timeoutMs} ms`);
    decoder.kill('SIGKILL');
    encoder.kill('SIGKILL');
  }, timeoutMs);
  const decoded = once(decoder, 'close');
  const encoded = once(encoder, 'close');
  try {
    let frame = Buffer.allocUnsafe(frameBytes);
    let filled = 0;
    let index = 0;
    for await (const chunk of decoder.stdout as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length; ) {
        const n = Math.min(frameBytes - filled, chunk.length - at);
        chunk.copy(frame, filled, at, at + n);
        filled += n;
        at += n;
        if (filled < frameBytes) continue;
        filter(frame, { index, seconds: times[index] ?? index / fps, width, height });
        index++;
        const ok = encoder.stdin.write(frame);
        frame = Buffer.allocUnsafe(frameBytes); // the written one belongs to the pipe until it drains
        filled = 0;
        if (!ok) await Promise.race([once(encoder.stdin, 'drain'), encoded]);
      }
    }
    encoder.stdin.end();
    const [[dc], [ec]] = await Promise.all([decoded, encoded]);
    if (dc !== 0 || ec !== 0 || index === 0) throw new VantageError('ERR_SOURCE_INVALID', `cannot re-encode ${input}: ${errors.slice(-2).join('; ') || (index === 0 ? 'no frame decoded' : `exit ${String(dc)}/${String(ec)}`)}`);
  } finally {
    clearTimeout(timer);
    if (decoder.exitCode === null) decoder.kill('SIGKILL');
    if (encoder.exitCode === null) encoder.kill('SIGKILL');
  }
}
