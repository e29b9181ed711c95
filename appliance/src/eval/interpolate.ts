import type { Box } from '../math/box.js';

export interface TrackRow {
  frame: number;
  id: number;
  box: Box;
  score: number;
}

/** Rows grouped by track id, each track's rows sorted by frame (the rows themselves, not copies). */
export function tracksById(rows: readonly TrackRow[]): Map<number, TrackRow[]> {
  const byId = new Map<number, TrackRow[]>();
  for (const r of rows) {
    const list = byId.get(r.id);
    if (list) list.push(r);
    else byId.set(r.id, [r]);
  }
  for (const list of byId.values()) list.sort((a, b) => a.frame - b.frame);
  return byId;
}

/**
 * Offline gap filling for a whole analysed file: where a track was lost and found again under the
 * same id within `maxGapFrames`, the frames in between get boxes interpolated linearly between the
 * two sightings (as ByteTrack's offline evaluation does). Only for files analysed after the fact —
 * a live camera cannot know the future. Returns the rows sorted by frame, then id.
 *
 * `joins`, when given, decides per gap whether the sighting after it (`after`) is plausibly the
 * object of the rows before it (`before`, sorted by frame); a gap it refuses stays empty (the
 * tracker's re-activation is looser than what is worth drawing boxes across).
 */
export function interpolateGaps(
  rows: readonly TrackRow[],
  maxGapFrames: number,
  joins?: (before: readonly TrackRow[], after: TrackRow) => boolean,
): TrackRow[] {
  const out: TrackRow[] = [...rows];
  for (const list of tracksById(rows).values()) {
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      const gap = b.frame - a.frame;
      if (gap <= 1 || gap > maxGapFrames) continue;
      if (joins && !joins(list.slice(0, i), b)) continue;
      for (let f = a.frame + 1; f < b.frame; f++) {
        const k = (f - a.frame) / gap;
        const lerp = (x: number, y: number) => x + (y - x) * k;
        out.push({
          frame: f,
          id: a.id,
          box: { x1: lerp(a.box.x1, b.box.x1), y1: lerp(a.box.y1, b.box.y1), x2: lerp(a.box.x2, b.box.x2), y2: lerp(a.box.y2, b.box.y2) },
          score: Math.min(a.score, b.score),
        });
      }
    }
  }
  return out.sort((a, b) => a.frame - b.frame || a.id - b.id);
}
