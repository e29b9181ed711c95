/**
 * Detections of a whole video, with their appearance descriptors, recorded once and kept in a JSON
 * file, so tracker evaluation (bench-mot, eval-counts, tuning) re-runs the tracker without redoing
 * ONNX inference. Detection is per frame, so a lower frame rate is the same recording with frames
 * dropped (see `subsample`). The recording itself is made by pipeline/record-detections.ts.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Detection } from '../track/types.js';

export interface RecordedFrame {
  /** 1-based frame number in the recording (MOTChallenge numbering). */
  frame: number;
  /** Frame time in seconds from the first frame. */
  t: number;
  detections: Detection[];
}

export interface Recording {
  width: number;
  height: number;
  fps: number;
  frames: RecordedFrame[];
}

const CACHE_VERSION = 1;

/**
 * The recording of `video`, from `cachePath` when that file was written for the same video (same
 * size and modification time), else made now by `record` and written there.
 */
export async function cachedRecording(video: string, cachePath: string, record: () => Promise<Recording>): Promise<Recording> {
  const st = statSync(resolve(video));
  const key = { version: CACHE_VERSION, size: st.size, mtimeMs: st.mtimeMs };
  if (existsSync(cachePath)) {
    try {
      const parsed = JSON.parse(readFileSync(cachePath, 'utf8')) as { key: typeof key; recording: unknown };
      if (parsed.key.version === key.version && parsed.key.size === key.size && parsed.key.mtimeMs === key.mtimeMs) {
        return fromJson(parsed.recording);
      }
    } catch {
      // unreadable cache: record again
    }
  }
  const rec = await record();
  writeFileSync(cachePath, JSON.stringify({ key, recording: toJson(rec) }));
  return rec;
}

/**
 * Every `step`-th frame from the first, renumbered 1, 2, 3, … with real times kept: the video as a
 * camera running at fps / step would have delivered it.
 */
export function subsample<T extends { frame: number }>(frames: readonly T[], step: number): T[] {
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`step must be an integer ≥ 1 (got ${step})`);
  const out: T[] = [];
  for (const f of frames) if ((f.frame - 1) % step === 0) out.push({ ...f, frame: (f.frame - 1) / step + 1 });
  return out;
}

function toJson(rec: Recording): unknown {
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    ...rec,
    frames: rec.frames.map((f) => ({
      ...f,
      detections: f.detections.map((d) => ({ ...d, embedding: d.embedding ? Array.from(d.embedding, r4) : undefined })),
    })),
  };
}

function fromJson(j: unknown): Recording {
  const rec = j as Recording & { frames: Array<RecordedFrame & { detections: Array<Detection & { embedding?: number[] }> }> };
  return {
    ...rec,
    frames: rec.frames.map((f) => ({
      ...f,
      detections: f.detections.map((d) => ({ ...d, embedding: d.embedding ? Float32Array.from(d.embedding) : undefined })),
    })),
  };
}
