/**
 * A track's steady box height: the score-weighted median of the heights of its observations over the
 * last second of real time before its latest one.
 *
 * The last observation alone is a poor measure of a person's size exactly when it matters: the
 * frame a person is lost is usually one where they are half hidden, and the detector's box there is
 * partial and low-scored. Re-finding the track (recovery.ts) compares a candidate's size with this
 * figure instead, so a partial last box does not let a person 1.5× taller or shorter continue the
 * track. Weighting by score lets confident (whole-body) boxes outvote the partial ones; the window
 * is in seconds, so it means the same at any frame rate, and short enough (people walk about a body
 * height a second, a few per cent of size) that walking towards or away from the camera does not lag.
 * With one observation it is that observation's height.
 */

/** The window, in seconds before the latest observation, whose observations count. */
export const STEADY_HEIGHT_SECONDS = 1;

export class SteadyHeight {
  /** Observations (time, height, weight) in time order, none older than the window before the last. */
  private readonly times: number[] = [];
  private readonly heights: number[] = [];
  private readonly weights: number[] = [];
  private cached = Number.NaN;

  /** Adds an observation: a box of height h (> 0) with detector score `score` at time t (seconds). */
  add(t: number, h: number, score: number): void {
    if (!(h > 0) || !Number.isFinite(h)) return;
    this.times.push(t);
    this.heights.push(h);
    this.weights.push(Number.isFinite(score) && score > 0 ? score : 1e-6);
    let drop = 0;
    while (drop < this.times.length - 1 && !(t - this.times[drop]! <= STEADY_HEIGHT_SECONDS)) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.heights.splice(0, drop);
      this.weights.splice(0, drop);
    }
    this.cached = Number.NaN;
  }

  /** The score-weighted median height; NaN before the first observation. */
  get value(): number {
    if (!Number.isNaN(this.cached) || this.heights.length === 0) return this.cached;
    const order = this.heights.map((_, k) => k).sort((a, b) => this.heights[a]! - this.heights[b]!);
    let total = 0;
    for (const w of this.weights) total += w;
    let acc = 0;
    for (const k of order) {
      acc += this.weights[k]!;
      if (acc >= total / 2) return (this.cached = this.heights[k]!);
    }
    return (this.cached = this.heights[order.at(-1)!]!);
  }
}
