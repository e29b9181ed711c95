/**
 * Foot-point path of a track: full-resolution length, plus a down-sampled copy for storage.
 *
 * A point is kept when at least `interval` seconds have passed since the last kept one; the most
 * recent point is always reported as the last. When the kept points would exceed `maxPoints`, every
 * other one is dropped and the interval doubles, so long tracks stay evenly covered within the cap.
 */

export const PATH_INTERVAL_SECONDS = 0.5;
export const PATH_MAX_POINTS = 500;

/** Tolerance so frame times like 0.52 − 0.02 are not rejected for rounding. */
const EPS = 1e-9;

export class TrackPath {
  /** Total length in pixels over every added point. */
  length = 0;
  /** Kept points, flat [t, x, y, t, x, y, …]. */
  private kept: number[] = [];
  private interval: number;
  private lastT = NaN;
  private lastX = 0;
  private lastY = 0;

  constructor(
    interval: number = PATH_INTERVAL_SECONDS,
    private readonly maxPoints: number = PATH_MAX_POINTS,
  ) {
    this.interval = interval;
  }

  add(t: number, x: number, y: number): void {
    if (!Number.isNaN(this.lastT)) this.length += Math.hypot(x - this.lastX, y - this.lastY);
    this.lastT = t;
    this.lastX = x;
    this.lastY = y;
    const n = this.kept.length;
    if (n === 0 || t - this.kept[n - 3]! >= this.interval - EPS) {
      this.kept.push(t, x, y);
      // Keep room for the trailing "last" point within maxPoints.
      if (this.kept.length / 3 > this.maxPoints - 1) this.decimate();
    }
  }

  /** Down-sampled points, ending with the most recent one. */
  points(): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    const k = this.kept;
    for (let i = 0; i < k.length; i += 3) out.push([k[i]!, k[i + 1]!, k[i + 2]!]);
    const tail = out[out.length - 1];
    if (tail !== undefined && tail[0] !== this.lastT) out.push([this.lastT, this.lastX, this.lastY]);
    return out;
  }

  private decimate(): void {
    const k = this.kept;
    const next: number[] = [];
    for (let i = 0; i < k.length; i += 6) next.push(k[i]!, k[i + 1]!, k[i + 2]!);
    this.kept = next;
    this.interval *= 2;
  }
}
