import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { annotateJpeg, imageSize } from '../detect/image.js';
import { runTool } from '../sources/ffmpeg.js';
import { buildClipArgs, buildFrameArgs } from '../sources/record-args.js';
import type { BoxRow, RecordingIndex, SegmentRow } from '../store/recording-index.js';
import { CLIP_DIR } from './recording-storage.js';

/** An assembled clip: its MP4 file and the wall-clock time (unix ms) of its first frame. */
export interface Clip {
  path: string;
  size: number;
  startMs: number;
}

/**
 * Clips and thumbnails from recorded segments, never re-encoded: a clip is the segments of one
 * recorder run over [from, to] remuxed to MP4 (starting at the key frame at or before `from`, so its
 * first frame decodes), cached under `.clips/` by key; a thumbnail is the frame at a moment with the
 * object's box drawn.
 */
export class Clips {
  private readonly making = new Map<string, Promise<Clip | null>>();

  constructor(
    private readonly root: string,
    private readonly index: RecordingIndex,
  ) {}

  /** The clip of `camera` over [fromMs, toMs] cached as `key` (made once), or null when nothing of it is recorded. */
  clip(key: string, camera: string, fromMs: number, toMs: number): Promise<Clip | null> {
    let p = this.making.get(key);
    if (!p) {
      p = this.make(key, camera, fromMs, toMs).finally(() => this.making.delete(key));
      this.making.set(key, p);
    }
    return p;
  }

  /** The frame at `ts` as a JPEG with `box` (normalised) drawn, or null when that moment is not recorded. */
  async thumbnail(camera: string, ts: number, box: BoxRow | undefined, label: string): Promise<Buffer | null> {
    const seg = this.index.range(camera, ts, ts + 1, 1)[0];
    if (!seg) return null;
    const png = await runTool('ffmpeg', buildFrameArgs(join(this.root, seg.path), (ts - seg.start_ms) / 1000), 30_000);
    if (!png.length) return null;
    const { width: w, height: h } = await imageSize(png);
    const boxes = box ? [{ x1: box.x1 * w, y1: box.y1 * h, x2: box.x2 * w, y2: box.y2 * h, label, color: '#ffcc00' }] : [];
    return annotateJpeg(png, { boxes, shapes: [] });
  }

  private async make(key: string, camera: string, fromMs: number, toMs: number): Promise<Clip | null> {
    const path = join(this.root, CLIP_DIR, `${key}.mp4`);
    const segments = this.run(this.index.range(camera, fromMs, toMs));
    if (!segments.length) return null;
    const seg0 = segments[0]!;
    const keys = await this.keyFrames(seg0);
    // Start at the key frame at or before `from` (seconds into the first segment).
    const want = Math.max(0, (fromMs - seg0.start_ms) / 1000);
    const kf = keys.filter((k) => k <= want + 0.001).pop() ?? 0;
    const startMs = seg0.start_ms + kf * 1000;
    if (existsSync(path)) return { path, size: statSync(path).size, startMs };
    await mkdir(join(this.root, CLIP_DIR), { recursive: true });
    const tmp = `${path}.part`;
    const end = Math.min(toMs, segments[segments.length - 1]!.end_ms);
    try {
      // -ss just before the key frame: stream copy keeps packets from the first key frame at or after it.
      await runTool('ffmpeg', buildClipArgs(segments.map((s) => join(this.root, s.path)), Math.max(0, kf - 0.001), (end - startMs) / 1000, tmp), 120_000);
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
    return { path, size: statSync(path).size, startMs };
  }

  /** The segments continuing the first one's recorder run without a gap (one timeline for the remux). */
  private run(segments: readonly SegmentRow[]): SegmentRow[] {
    const out: SegmentRow[] = [];
    for (const s of segments) {
      const prev = out[out.length - 1];
      if (prev && (s.run !== prev.run || s.start_ms - prev.end_ms > 500)) break;
      out.push(s);
    }
    return out;
  }

  /** A segment's key frames, in seconds from its first packet (read from packet flags, nothing decoded). */
  private async keyFrames(seg: SegmentRow): Promise<number[]> {
    const out = await runTool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', join(this.root, seg.path)], 30_000);
    const packets = out
      .toString('utf8')
      .split('\n')
      .map((l) => l.split(','))
      .filter((p) => p.length >= 2 && Number.isFinite(Number(p[0])) && p[0] !== '')
      .map((p) => ({ t: Number(p[0]), key: p[1]!.includes('K') }));
    const first = Math.min(...packets.map((p) => p.t));
    return packets.filter((p) => p.key).map((p) => p.t - first);
  }
}
