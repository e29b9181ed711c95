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
 * - ONCE PER VISITOR AND DIRECTION: a visitor (a person's tracklets stitched together, see
 *   visitors.ts) counts at most one 'in' and one 'out' per line, so an id change at the line or a
 *   dither across it never counts twice.
 */
import { cross } from '../math/geometry.js';

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
  /** Where it was last clearly on that side. */
  x: number;
  y: number;
  /** Bit 1: 'in' counted, bit 2: 'out' counted. */
  done: number;
}

export function newTripwireState(): TripwireState {
  return { side: 0, x: 0, y: 0, done: 0 };
}

/**
 * Feeds one foot point (x, y) with its box size (w, h; all normalised) to `st`; returns the direction
 * counted now, if any. With w = h = 0 any point off the line is clearly on its side.
 */
export function tripwireStep(l: TripwireLine, st: TripwireState, x: number, y: number, w: number, h: number, hysteresis: number): 'in' | 'out' | undefined {
  const dx = l.bx - l.ax;
  const dy = l.by - l.ay;
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return undefined;
  const dist = cross(l.ax, l.ay, l.bx, l.by, x, y) / len;
  // The box's extent along the unit normal (−dy, dx) / len.
  const extent = (Math.abs(dy) * w + Math.abs(dx) * h) / len;
  const band = hysteresis * extent;
  if (dist === 0 || Math.abs(dist) < band) return undefined;
  const side = dist > 0 ? 1 : -1;
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
  return counted;
}
