/**
 * Plane-to-plane homographies (a 3×3 matrix, row-major, h[8] = 1): the map of a flat ground plane
 * seen by a camera to metres on that ground, from four point correspondences (the direct linear
 * transform, solved exactly by Gaussian elimination with partial pivoting).
 */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

type Pt = readonly [number, number];

/**
 * The homography mapping each `from[i]` to `to[i]` (four pairs, no three of either set on one line),
 * or undefined when the points are degenerate.
 */
export function homographyFromPoints(from: readonly [Pt, Pt, Pt, Pt], to: readonly [Pt, Pt, Pt, Pt]): Homography | undefined {
  // Unknowns h0..h7 (h8 = 1): for each pair, x' (h6 x + h7 y + 1) = h0 x + h1 y + h2, and likewise y'.
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  const h = solve(a);
  if (!h) return undefined;
  const m = [...h, 1] as unknown as Homography;
  // Degenerate sets (three points on a line) can still give a solution that collapses the plane.
  return Math.abs(det3(m)) > 1e-12 && from.every((p) => Number.isFinite(project(m, p[0], p[1])[0])) ? m : undefined;
}

/** Where (x, y) lands under `h`; NaN when it maps to infinity (the horizon). */
export function project(h: Homography, x: number, y: number): [number, number] {
  const w = h[6] * x + h[7] * y + h[8];
  if (Math.abs(w) < 1e-12) return [NaN, NaN];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** The inverse map (ground → image), or undefined when `h` is singular. */
export function invertHomography(h: Homography): Homography | undefined {
  const d = det3(h);
  if (Math.abs(d) < 1e-15) return undefined;
  const [a, b, c, e, f, g, i, j, k] = h;
  const inv = [f * k - g * j, c * j - b * k, b * g - c * f, g * i - e * k, a * k - c * i, c * e - a * g, e * j - f * i, b * i - a * j, a * f - b * e].map((v) => v / d);
  const s = inv[8]!;
  return (Math.abs(s) > 1e-15 ? inv.map((v) => v / s) : inv) as unknown as Homography;
}

function det3(m: Homography): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/** Solves the n×(n+1) augmented system in place; undefined when singular. */
function solve(a: number[][]): number[] | undefined {
  const n = a.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) return undefined;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = a[r]!;
      const f = row[col]! / p[col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) row[c]! -= f * p[c]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}
