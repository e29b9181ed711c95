/**
 * Count accuracy of tripwires: the appliance's own counting logic (ZoneEngine) run over a set of
 * tracks given frame by frame — the tracker's output, or the ground truth's boxes — and compared
 * per line and direction. Count accuracy is 1 − Σ|error| / Σ true crossings (0 when nothing truly
 * crossed and something was counted, 100 when neither).
 */
import type { Recording } from '../eval/detection-cache.js';
import type { TrackRow } from '../eval/interpolate.js';
import type { Box } from '../math/box.js';
import { ByteTracker } from '../track/byte-tracker.js';
import type { TrackerOptions } from '../track/types.js';
import { footPoint, ZoneEngine, type AnalyticsEvent, type LineDef, type ZoneDef, type ZoneEngineOptions } from './zone-engine.js';

export interface CountFrame {
  t: number;
  tracks: Array<{ id: number; box: Box }>;
  /** Ids whose track ended at this frame (after its boxes); the engine closes and may stitch them. */
  ended?: number[];
}

export interface LineCounts {
  in: number;
  out: number;
}

export interface CountRun {
  counts: Map<string, LineCounts>;
  /** Distinct visitors (track ids stitched into people) seen by the engine. */
  visitors: number;
  /** Distinct track ids. */
  tracks: number;
}

/** The six fixed lines of bench-mot: horizontal and vertical at 30, 50 and 70% of the frame. */
export const FIXED_LINES: readonly LineDef[] = Object.freeze(
  [0.3, 0.5, 0.7].flatMap((v) => [
    { id: `h${Math.round(v * 100)}`, points: [[0, v], [1, v]] as [[number, number], [number, number]] },
    { id: `v${Math.round(v * 100)}`, points: [[v, 0], [v, 1]] as [[number, number], [number, number]] },
  ]),
);

/** Runs the zone engine's line counting over `frames` (boxes in pixels of a width × height picture). */
export function countCrossings(
  frames: readonly CountFrame[],
  lines: readonly LineDef[],
  width: number,
  height: number,
  opts: Partial<ZoneEngineOptions> = {},
): CountRun {
  const counts = new Map<string, LineCounts>(lines.map((l) => [l.id, { in: 0, out: 0 }]));
  const run = replayFrames(frames, [], lines, width, height, opts, (e) => {
    if (e.type === 'line.cross') counts.get(e.line)![e.direction]++;
  });
  return { counts, ...run };
}

/**
 * Feeds `frames` (boxes in pixels of a width × height picture, every track a person) through a zone
 * engine with these zones and lines, ending tracks where the frames say; every event goes to onEvent.
 */
export function replayFrames(
  frames: readonly CountFrame[],
  zones: readonly ZoneDef[],
  lines: readonly LineDef[],
  width: number,
  height: number,
  opts: Partial<ZoneEngineOptions>,
  onEvent: (e: AnalyticsEvent) => void,
): { visitors: number; tracks: number } {
  const engine = new ZoneEngine([...zones], [...lines], opts);
  const ids = new Set<number>();
  for (const f of frames) {
    const points = f.tracks.map((tr) => {
      ids.add(tr.id);
      const [x, y] = footPoint(tr.box, width, height);
      return { id: tr.id, className: 'person', x, y, h: (tr.box.y2 - tr.box.y1) / height, w: (tr.box.x2 - tr.box.x1) / width };
    });
    const events = engine.update(points, f.t);
    for (const id of f.ended ?? []) events.push(...engine.endTrack(id, f.t));
    events.forEach(onEvent);
  }
  return { visitors: engine.visitorCount, tracks: ids.size };
}

export interface CountComparison {
  lines: Array<{ line: string; direction: 'in' | 'out'; counted: number; truth: number; error: number }>;
  /** Σ |counted − truth| over lines and directions. */
  absError: number;
  /** Σ truth. */
  truth: number;
  /** 100 × (1 − absError / truth), floored at 0. */
  accuracy: number;
}

export function compareCounts(counted: ReadonlyMap<string, LineCounts>, truth: ReadonlyMap<string, LineCounts>): CountComparison {
  const lines: CountComparison['lines'] = [];
  let absError = 0;
  let total = 0;
  for (const [line, t] of truth) {
    const c = counted.get(line) ?? { in: 0, out: 0 };
    for (const direction of ['in', 'out'] as const) {
      const error = c[direction] - t[direction];
      lines.push({ line, direction, counted: c[direction], truth: t[direction], error });
      absError += Math.abs(error);
      total += t[direction];
    }
  }
  return { lines, absError, truth: total, accuracy: countAccuracy(absError, total) };
}

export function countAccuracy(absError: number, truth: number): number {
  if (truth === 0) return absError === 0 ? 100 : 0;
  return Math.max(0, 100 * (1 - absError / truth));
}

/** Frames of MOT rows grouped for countCrossings, with each id ended after its last frame. */
export function countFramesFromRows(rows: ReadonlyArray<{ frame: number; id: number; box: Box }>, fps: number, step = 1): CountFrame[] {
  const byFrame = new Map<number, CountFrame>();
  const last = new Map<number, number>();
  for (const r of rows) last.set(r.id, Math.max(last.get(r.id) ?? 0, r.frame));
  for (const r of rows) {
    let f = byFrame.get(r.frame);
    if (!f) byFrame.set(r.frame, (f = { t: ((r.frame - 1) * step) / fps, tracks: [], ended: [] }));
    f.tracks.push({ id: r.id, box: r.box });
  }
  for (const [id, frame] of last) byFrame.get(frame)!.ended!.push(id);
  return [...byFrame.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
}

/**
 * Online tracking of recorded detections: exactly what the live tracker reports frame by frame, and
 * at the end of the recording every open track ends, as when a live stream stops.
 */
export function trackRecording(frames: Recording['frames'], opts: Partial<TrackerOptions>): { rows: TrackRow[]; countFrames: CountFrame[] } {
  const tracker = new ByteTracker(opts);
  const rows: TrackRow[] = [];
  const countFrames: CountFrame[] = [];
  for (const f of frames) {
    const dets = f.detections.filter((d) => d.classId === 0);
    const { tracks, events } = tracker.update(dets, f.t);
    const cf: CountFrame = { t: f.t, tracks: [], ended: [] };
    for (const tr of tracks) {
      rows.push({ frame: f.frame, id: tr.id, box: tr.box, score: tr.score });
      cf.tracks.push({ id: tr.id, box: tr.box });
    }
    for (const e of events) if (e.type === 'track.end') cf.ended!.push(e.track.id);
    countFrames.push(cf);
  }
  const last = countFrames.at(-1);
  if (last) for (const e of tracker.flush(last.t)) if (e.type === 'track.end') last.ended!.push(e.track.id);
  return { rows, countFrames };
}
