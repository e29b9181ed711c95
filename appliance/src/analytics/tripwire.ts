/**
 * Tripwire counting rules for one directed line (see the direction convention in zone-engine.ts),
 * per visitor:
 *
 * - HYSTERESIS: a foot point is on a side only when it is CLEARLY there — at least `hysteresis` box
 *   sizes away from the line (the box's extent along the line's normal: its height for a horizontal
 *   line, its width for a vertical one). Points inside that band are no side at all, so a box
 *   jittering on the line counts nothing, and a U-turn inside the band counts nothing.
 * - SEGMENT INTERSECTION: a crossing is counted when a visitor clearly on one side is next clearly on
 *   the other AND the segment between those two foot points meets the line SEGMENT — so an object
 *   that jumps over the line between two detections (low frame rate, occlusion) counts, and one that
 *   passes beyond the line's ends does not.
 * - LEAVING PAST THE LINE: a visitor whose track ENDS (it left the picture, was lost for good, or the
 *   stream stopped) after its foot point passed the line — but before it was clearly across —
 *   counts too, when its last point is at least half the band beyond the line, it was walking that
 *   way, and it left its side no more than END_CROSS_SECONDS before (see tripwireEnd). A person who
 *   walks through a line close to the picture's edge, or into a doorway right behind it, is
 *   otherwise never seen clearly on the far side; jitter on the line (lingering there, or less than
 *   half a band past it) still counts nothing.
 * - ONCE PER VISITOR AND DIRECTION: a visitor (a person's tracklets stitched together, see
 *   visitors.ts) counts at most one 'in' and one 'out' per line, so an id change at the line or a
 *   dither across it never counts twice.
 */
import { cross } from '../math/geometry.js';

/** A crossing under way when a track ends counts only if the visitor left its side this recently (s). */
export const END_CROSS_SECONDS = 1;

export interface TripwireLine {
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

/** One visitor's state on one line. */
export interface TripwireState {
  /** −1 / +1: the side it was last clearly on; 0 none yet. */
  side: number;
  /** Where and when it was last clearly on that side. */
  x: number;
  y: number;
  t: number;
  /** Bit 1: 'in' counted, bit 2: 'out' counted. */
  done: number;
  /** The last foot point fed, clearly on a side or not, its signed distance to the line and the band there. */
  lx: number;
  ly: number;
  lDist: number;
  lBand: number;
}

export function newTripwireState(): TripwireState {
  return { side: 0, x: 0, y: 0, t: 0, done: 0, lx: 0, ly: 0, lDist: 0, lBand: 0 };
}

/**
 * Feeds one foot point (x, y) with its box size (w, h; all normalised), seen at time t (seconds), to
 * `st`; returns the direction counted now, if any. With w = h = 0 any point off the line is clearly
 * on its side.
 */
export function tripwireStep(
  l: TripwireLine,
  st: TripwireState,
  x: number,
  y: number,
  w: number,
  h: number,
  hysteresis: number,
  t = 0,
): 'in' | 'out' | undefined {
  const dx = l.bx - l.ax;
  const dy = l.by - l.ay;
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return undefined;
  const dist = cross(l.ax, l.ay, l.bx, l.by, x, y) / len;
  // The box's extent along the unit normal (−dy, dx) / len.
  const extent = (Math.abs(dy) * w + Math.abs(dx) * h) / len;
  const band = hysteresis * extent;
  st.lx = x;
  st.ly = y;
  st.lDist = dist;
  st.lBand = band;
  if (dist === 0 || Math.abs(dist) < band) return undefined;
  return moveTo(l, st, dist > 0 ? 1 : -1, x, y, t);
}

/**
 * The visitor's track ended at time t (`vx`, `vy`: its foot point's velocity, normalised units per
 * second): counts the crossing its last point had begun — past the line by at least half the band,
 * on the side opposite to where it was last clearly (and left that side no more than
 * END_CROSS_SECONDS before), while moving towards the far side.
 */
export function tripwireEnd(l: TripwireLine, st: TripwireState, vx: number, vy: number, t: number): 'in' | 'out' | undefined {
  const side = st.lDist > 0 ? 1 : st.lDist < 0 ? -1 : 0;
  if (st.side === 0 || side === 0 || side === st.side || Math.abs(st.lDist) < st.lBand / 2) return undefined;
  if (t - st.t > END_CROSS_SECONDS) return undefined;
  // The velocity's component along the line's normal, in the sense of `side`.
  const len = Math.hypot(l.bx - l.ax, l.by - l.ay);
  const across = ((l.bx - l.ax) * vy - (l.by - l.ay) * vx) / len;
  if (!(across * side > 0)) return undefined;
  return moveTo(l, st, side, st.lx, st.ly, t);
}

/** The visitor is now on `side` at (x, y): a crossing when it was last clearly on the other side and the movement meets the line segment. */
function moveTo(l: TripwireLine, st: TripwireState, side: number, x: number, y: number, t: number): 'in' | 'out' | undefined {
  let counted: 'in' | 'out' | undefined;
  if (st.side !== 0 && st.side !== side) {
    // The movement p→q straddles the infinite line; it meets the SEGMENT when a and b are not
    // strictly on the same side of the movement's line.
    const da = cross(st.x, st.y, x, y, l.ax, l.ay);
    const db = cross(st.x, st.y, x, y, l.bx, l.by);
    if ((da <= 0 && db >= 0) || (da >= 0 && db <= 0)) {
      const direction = st.side < 0 ? 'in' : 'out';
      const bit = direction === 'in' ? 1 : 2;
      if ((st.done & bit) === 0) {
        st.done |= bit;
        counted = direction;
      }
    }
  }
  st.side = side;
  st.x = x;
  st.y = y;
  st.t = t;
  return counted;
}
