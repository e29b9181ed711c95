/**
 * ffmpeg arguments of recordings (pure, tested): the recorder that writes a camera's stream as ~4 s
 * MPEG-TS segments without re-encoding, the clip that remuxes segments to MP4, the frame of a thumbnail,
 * and the remux that repairs a segment cut short by a crash. Processes start in sources/ffmpeg.ts.
 */
import { inputArgs, type SourceSpec } from './ffmpeg.js';

/** Target segment length: the muxer cuts at the first key frame after it. */
export const SEGMENT_SECONDS = 4;

/**
 * Records `spec` by stream copy into `pattern` (an ffmpeg `%06d` pattern), one MPEG-TS file per ~4 s cut
 * at key frames, timestamps continuous across files (never reset). Each finished file is reported on
 * stdout as a CSV line `name,start,end` (seconds of stream time), and progress lines (`key=value`) come
 * every second, so ffmpeg dies of SIGPIPE within a second when the daemon is gone.
 */
export function buildRecordArgs(spec: SourceSpec, pattern: string, startNumber = 0): string[] {
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
    '-progress', 'pipe:1', '-stats_period', '1',
    ...inputArgs({ ...spec, hwaccel: 'none' }),
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-c', 'copy',
    '-f', 'segment',
    '-segment_time', String(SEGMENT_SECONDS),
    '-segment_format', 'mpegts',
    '-segment_list', 'pipe:1',
    '-segment_list_type', 'csv',
    '-segment_list_flags', 'live',
    '-segment_start_number', String(startNumber),
    '-reset_timestamps', '0',
    pattern,
  ];
}

/** One line of the recorder's stdout: a finished segment, or anything else (progress). */
export function parseSegmentLine(line: string): { file: string; start: number; end: number } | undefined {
  const m = /^([^,]+\.ts),(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(line.trim());
  if (!m) return undefined;
  const start = Number(m[2]);
  const end = Number(m[3]);
  return Number.isFinite(start) && Number.isFinite(end) && end >= start ? { file: m[1]!, start, end } : undefined;
}

/**
 * A clip from consecutive segment files: `offsetSeconds` into the first, `durationSeconds` long,
 * stream-copied into MP4 with the index first (`+faststart`, playable while it downloads); never re-encoded.
 */
export function buildClipArgs(files: readonly string[], offsetSeconds: number, durationSeconds: number, output: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-i', `concat:${files.join('|')}`,
    // Output-side: packets before the offset are read and dropped (a seek inside MPEG-TS can overshoot).
    '-ss', offsetSeconds.toFixed(3),
    '-t', durationSeconds.toFixed(3),
    '-map', '0:v:0', '-c', 'copy',
    '-movflags', '+faststart',
    '-f', 'mp4', output,
  ];
}

/** The frame `offsetSeconds` into a segment, as one PNG on stdout (decoded from the segment's start: a seek inside MPEG-TS can overshoot). */
export function buildFrameArgs(file: string, offsetSeconds: number): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, '-ss', Math.max(0, offsetSeconds).toFixed(3), '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'];
}

/** A segment cut short (crash, power cut) rewritten by stream copy: what can be read is kept, timestamps as they were. */
export function buildRepairArgs(input: string, output: string): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', input, '-map', '0:v:0', '-c', 'copy', '-copyts', '-f', 'mpegts', output];
}
