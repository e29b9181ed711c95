import { tracksById, type TrackRow } from './interpolate.js';

/**
 * Defaults for file analysis: a gap of up to 2 s, and a start within 0.4 box heights of where the
 * ended track was heading (its velocity over its last second). Chosen on the TUD clips from a
 * plateau (0.35–0.75 heights and 1.5–2.5 s give the same Stadtmitte result), on the tight side.
 */
export const OFFLINE_LINK = { maxGapSeconds: 2, maxHeights: 0.4 } as const;

/**
 * Offline tracklet linking for a whole analysed file: when a track ends and another of similar size
 * starts soon after where the first was heading, the second continues the first (its rows take the
 * first id). Greedy by time gap then distance; each track continues at most one and is continued
 * by at most one. Distances are in box heights, so it means the same near and far from the camera.
 */
export function linkTracklets(rows: readonly TrackRow[], opts: { maxGapFrames: number; maxHeights: number; fps?: number }): TrackRow[] {
  const tracks = tracksById(rows);
  const candidates: Array<{ from: number; to: number; gap: number; dist: number }> = [];
  for (const [a, la] of tracks) {
    for (const [b, lb] of tracks) {
      if (a === b) continue;
      const gap = lb[0]!.frame - la[la.length - 1]!.frame;
      if (gap <= 0 || gap > opts.maxGapFrames) continue;
      const dist = continuation(la, lb[0]!, opts.maxHeights, opts.fps);
      if (dist !== undefined) candidates.push({ from: a, to: b, gap, dist });
    }
  }
  candidates.sort((x, y) => x.gap - y.gap || x.dist - y.dist);
  const continued = new Set<number>();
  const continues = new Map<number, number>();
  for (const c of candidates) {
    if (continued.has(c.from) || continues.has(c.to)) continue;
    continued.add(c.from);
    continues.set(c.to, c.from);
  }
  const root = (id: number): number => {
    let r = id;
    for (let n = 0; continues.has(r) && n < 1000; n++) r = continues.get(r)!;
    return r;
  };
  return rows.map((r) => (continues.has(r.id) ? { ...r, id: root(r.id) } : r));
}

const cx = (r: TrackRow) => (r.box.x1 + r.box.x2) / 2;
const h = (r: TrackRow) => r.box.y2 - r.box.y1;

/**
 * Whether `start` (a later sighting) plausibly continues the object seen in `before` (its rows up to
 * a gap, sorted by frame): of similar size (heights within 0.7–1.4×) and where the object was
 * heading (its velocity over its last second), within `maxHeights` box heights. Returns that
 * distance in box heights, or undefined when it does not continue it. `fps`: frames per second of
 * the rows' numbering (default 25).
 */
export function continuation(before: readonly TrackRow[], start: TrackRow, maxHeights: number, fps = 25): number | undefined {
  const end = before[before.length - 1]!;
  const gap = start.frame - end.frame;
  // Velocity over the last second of the track, per frame, to predict where it went.
  let i = before.length - 1;
  while (i > 0 && before[i - 1]!.frame >= end.frame - fps) i--;
  const back = before[i]!;
  const span = Math.max(1, end.frame - back.frame);
  const vx = (cx(end) - cx(back)) / span;
  const vy = (end.box.y2 - back.box.y2) / span;
  const ratio = h(start) / h(end);
  if (ratio < 0.7 || ratio > 1.4) return undefined;
  const px = cx(end) + vx * gap;
  const py = end.box.y2 + vy * gap;
  const dist = Math.hypot(cx(start) - px, start.box.y2 - py) / ((h(start) + h(end)) / 2);
  return dist <= maxHeights ? dist : undefined;
}
