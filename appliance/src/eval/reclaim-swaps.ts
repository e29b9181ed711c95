import { iou } from '../math/box.js';
import { tracksById, type TrackRow } from './interpolate.js';
import { continuation } from './link-tracklets.js';

/**
 * How long the owner may be missing around a borrowed row: a swap of a frame or two (people move
 * well under half a body height in that time, so the interpolated box still says where it was).
 */
export const RECLAIM_GAP_SECONDS = 0.5;

/**
 * Offline repair of a short identity swap, for a whole analysed file (after linking, before gap
 * filling). The live tracker's IoU association sometimes hands one object's detection to a
 * neighbouring track for a frame or two: the neighbour jumps onto it and the object's own track is
 * missing there, found again right after. Online nothing better is known; offline both sides are:
 * a row of track A at a frame where track B is missing — B seen before it and again within
 * `maxGapSeconds` after it — belongs to B when its box overlaps B's interpolated box there (IoU ≥
 * `minIou`) and it continues B's motion more closely than A's (the `continuation` distance, in box
 * heights, within `maxHeights`). A keeps the gap, which gap filling may then bridge with its own
 * sightings. Without this, gap filling draws A across the frames between two such borrowed rows,
 * on B's object (a false box and a miss on A's object per frame).
 *
 * Frames are visited in order and a moved row leaves A's history at once, so a later borrowed row
 * is judged against A's own motion. Returns the rows with the moved ones relabelled.
 */
export function reclaimSwaps(
  rows: readonly TrackRow[],
  opts: { maxGapSeconds: number; maxHeights: number; fps: number; minIou?: number },
): TrackRow[] {
  const minIou = opts.minIou ?? 0.5;
  const maxGapFrames = Math.max(2, Math.round(opts.maxGapSeconds * opts.fps));
  // continuation() looks at the last second of a track; a little more history changes nothing.
  const history = Math.ceil(opts.fps) + 2;
  const out = rows.map((r) => ({ ...r }));
  const tracks = tracksById(out);
  const byFrame = new Map<number, TrackRow[]>();
  for (const r of out) push(byFrame, r.frame, r);
  /** Frame → ids of tracks missing there between two sightings at most maxGapFrames apart. */
  const missing = new Map<number, number[]>();
  for (const [id, list] of tracks) {
    for (let i = 1; i < list.length; i++) {
      const gap = list[i]!.frame - list[i - 1]!.frame;
      if (gap > 1 && gap <= maxGapFrames) for (let f = list[i - 1]!.frame + 1; f < list[i]!.frame; f++) push(missing, f, id);
    }
  }

  for (const f of [...missing.keys()].sort((a, b) => a - b)) {
    const here = byFrame.get(f) ?? [];
    let best: { row: TrackRow; to: number; dist: number } | undefined;
    for (const b of missing.get(f)!) {
      const listB = tracks.get(b)!;
      const i = firstAfter(listB, f);
      const last = listB[i - 1];
      const next = listB[i];
      if (!last || !next || last.frame === f) continue;
      const k = (f - last.frame) / (next.frame - last.frame);
      const lerp = (x: number, y: number) => x + (y - x) * k;
      const where = { x1: lerp(last.box.x1, next.box.x1), y1: lerp(last.box.y1, next.box.y1), x2: lerp(last.box.x2, next.box.x2), y2: lerp(last.box.y2, next.box.y2) };
      const prevB = listB.slice(Math.max(0, i - history), i);
      for (const row of here) {
        if (row.id === b || iou(row.box, where) < minIou) continue;
        const listA = tracks.get(row.id)!;
        const j = firstAfter(listA, f - 1);
        if (j === 0) continue; // A has no history to compare with
        const toB = continuation(prevB, row, opts.maxHeights, opts.fps);
        if (toB === undefined) continue;
        const toA = continuation(listA.slice(Math.max(0, j - history), j), row, Infinity, opts.fps) ?? Infinity;
        if (toB < toA && (!best || toB < best.dist)) best = { row, to: b, dist: toB };
      }
    }
    if (!best) continue;
    // At most one row moves per frame: the closest continuation.
    const { row, to } = best;
    tracks.set(row.id, tracks.get(row.id)!.filter((x) => x !== row));
    row.id = to;
    const listTo = tracks.get(to)!;
    listTo.splice(firstAfter(listTo, f), 0, row);
  }
  return out;
}

/** Index of the first row after `frame` in a list sorted by frame (its length when none). */
function firstAfter(list: readonly TrackRow[], frame: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.frame <= frame) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
