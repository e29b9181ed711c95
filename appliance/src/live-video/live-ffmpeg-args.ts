/** ffmpeg arguments of the live view (pure): MPEG-TS with MPEG-1 video for JSMpeg (WebRTC sends the analysed frames). */
import { inputArgs, type SourceSpec } from '../sources/ffmpeg.js';

export interface FrameSize {
  width: number;
  height: number;
}

/** The source scaled down to at most `maxWidth` (never up), aspect ratio kept, both sides even (I420 needs it). */
export function liveSize(width: number, height: number, maxWidth: number): FrameSize {
  const w = Math.max(2, Math.floor(Math.min(width, maxWidth) / 2) * 2);
  const h = Math.max(2, Math.round((height * w) / width / 2) * 2);
  return { width: w, height: h };
}

/** MPEG-1 video only knows these frame rates; ffmpeg refuses any other. */
const MPEG1_RATES: ReadonlyArray<[number, string]> = [
  [24000 / 1001, '24000/1001'],
  [24, '24'],
  [25, '25'],
  [30000 / 1001, '30000/1001'],
  [30, '30'],
  [50, '50'],
  [60000 / 1001, '60000/1001'],
  [60, '60'],
];

/** The source's rate when MPEG-1 has it, else the next one up (frames are repeated), at most 60. */
export function mpeg1Rate(fps: number): string {
  const exact = MPEG1_RATES.find(([r]) => Math.abs(r - fps) < 0.01);
  if (exact) return exact[1];
  const up = MPEG1_RATES.find(([r, name]) => !name.includes('/') && r >= fps);
  return up ? up[1] : '60';
}

function head(spec: SourceSpec, size: FrameSize, codec: string | undefined): string[] {
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+error',
    ...inputArgs(spec, codec),
    '-map', '0:v:0', '-an', '-sn', '-dn',
    // A fixed output size: a source that changes resolution mid-stream keeps the frame size.
    '-vf', `scale=${size.width}:${size.height}:flags=bilinear`,
  ];
}

/** MPEG-TS with MPEG-1 video (no B-frames, as JSMpeg decodes) on stdout, flushed packet by packet. */
export function mpeg1Args(spec: SourceSpec, size: FrameSize, fps: number, bitrateKbps: number, codec?: string): string[] {
  return [
    ...head(spec, size, codec),
    '-r', mpeg1Rate(fps),
    '-f', 'mpegts', '-codec:v', 'mpeg1video', '-b:v', `${bitrateKbps}k`, '-bf', '0',
    '-flush_packets', '1',
    'pipe:1',
  ];
}
