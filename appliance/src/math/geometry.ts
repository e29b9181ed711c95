/**
 * Plane geometry for zones (polygons) and lines (tripwires) in normalised frame coordinates:
 * x and y in [0, 1] of the frame's width and height, y growing downwards (image coordinates).
 *
 * Orientation convention used throughout: cross(a, b, p) = (b − a) × (p − a)
 *   = (bx − ax)(py − ay) − (by − ay)(px − ax).
 * In image coordinates (y down) a NEGATIVE value means p lies to the LEFT of the directed line a→b
 * as seen on screen by someone standing on a and looking at b, a POSITIVE value to its RIGHT.
 * (E.g. a = (0, 0.5), b = (1, 0.5) points right; the upper half of the frame, y < 0.5, is its left.)
 */

export type Point = [number, number];

/** Zones may have at most this many vertices. */
export const MAX_ZONE_POINTS = 64;
/** Smallest zone area accepted by validateZone, as a fraction of the frame. */
export const MIN_ZONE_AREA = 1e-6;
/** Smallest line length accepted by validateLine, as a fraction of the frame. */
export const MIN_LINE_LENGTH = 1e-6;
/** Distance within which a point counts as lying on a polygon's edge. */
const EDGE_EPS = 1e-12;

/** (b − a) × (p − a): < 0 left of a→b (on screen, y down), > 0 right, 0 on the line. */
export function cross(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/**
 * Side of p relative to the directed line a→b: the sign of the cross product (b − a) × (p − a).
 * −1: left of a→b as seen on screen (image coordinates, y down), +1: right, 0: on the (infinite) line.
 */
export function sideOfLine(p: readonly [number, number], a: readonly [number, number], b: readonly [number, number]): -1 | 0 | 1 {
  const c = cross(a[0], a[1], b[0], b[1], p[0], p[1]);
  return c > 0 ? 1 : c < 0 ? -1 : 0;
}

/** Whether p lies on the closed segment a–b (within a tiny tolerance). */
function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  if (px < Math.min(ax, bx) - EDGE_EPS || px > Math.max(ax, bx) + EDGE_EPS) return false;
  if (py < Math.min(ay, by) - EDGE_EPS || py > Math.max(ay, by) + EDGE_EPS) return false;
  const c = cross(ax, ay, bx, by, px, py);
  const len = Math.hypot(bx - ax, by - ay);
  return Math.abs(c) <= EDGE_EPS * Math.max(1, len);
}

/**
 * Point in polygon by the even-odd rule. Points on the boundary (edges and vertices, within 1e-12)
 * count as INSIDE, so the answer on an edge is deterministic whatever the edge's direction;
 * horizontal edges and vertices on the scan line are handled by the half-open crossing rule.
 */
export function pointInPolygon(p: readonly [number, number], poly: ReadonlyArray<readonly [number, number]>): boolean {
  const x = p[0];
  const y = p[1];
  const n = poly.length;
  if (n < 3) return false;
  let inside = false;
  let prev = poly[n - 1]!;
  for (let i = 0; i < n; i++) {
    const cur = poly[i]!;
    const xi = cur[0];
    const yi = cur[1];
    const xj = prev[0];
    const yj = prev[1];
    if (onSegment(xi, yi, xj, yj, x, y)) return true;
    if (yi > y !== yj > y) {
      const xCross = xi + ((y - yi) * (xj - xi)) / (yj - yi);
      if (x < xCross) inside = !inside;
    }
    prev = cur;
  }
  return inside;
}

/**
 * Same as pointInPolygon on a flat vertex array [x0, y0, x1, y1, …] (no allocation; the zone engine's hot path).
 */
export function pointInPolygonFlat(x: number, y: number, flat: ArrayLike<number>): boolean {
  const n = flat.length >> 1;
  if (n < 3) return false;
  let inside = false;
  let xj = flat[2 * n - 2]!;
  let yj = flat[2 * n - 1]!;
  for (let i = 0; i < n; i++) {
    const xi = flat[2 * i]!;
    const yi = flat[2 * i + 1]!;
    if (onSegment(xi, yi, xj, yj, x, y)) return true;
    if (yi > y !== yj > y) {
      const xCross = xi + ((y - yi) * (xj - xi)) / (yj - yi);
      if (x < xCross) inside = !inside;
    }
    xj = xi;
    yj = yi;
  }
  return inside;
}

/**
 * Distance from (px, py) to the nearest edge of a polygon given as a flat vertex array, in units of
 * (sx, sy): the vertices are divided by them, (px, py) is already in those units (the zone engine
 * measures in box sizes: x / box width, y / box height).
 */
export function distanceToPolygonEdge(px: number, py: number, flat: ArrayLike<number>, sx: number, sy: number): number {
  const n = flat.length / 2;
  let best = Infinity;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const ax = flat[2 * j]! / sx;
    const ay = flat[2 * j + 1]! / sy;
    const dx = flat[2 * i]! / sx - ax;
    const dy = flat[2 * i + 1]! / sy - ay;
    const len = dx * dx + dy * dy;
    const u = len > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
    best = Math.min(best, Math.hypot(px - ax - u * dx, py - ay - u * dy));
  }
  return best;
}

/**
 * Proper intersection: the segments a1–a2 and b1–b2 cross at a single point interior to both
 * (each segment's endpoints lie strictly on opposite sides of the other). Touching at an endpoint,
 * an endpoint lying on the other segment, and collinear overlap are NOT proper intersections.
 */
export function segmentsIntersect(
  a1: readonly [number, number],
  a2: readonly [number, number],
  b1: readonly [number, number],
  b2: readonly [number, number],
): boolean {
  return straddle(sides(a1, a2, b1, b2));
}

/** Each segment's endpoints lie strictly on both sides of the other segment's line. */
function straddle([d1, d2, d3, d4]: [number, number, number, number]): boolean {
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** Cross products placing each segment's endpoints against the other segment's line. */
function sides(
  a1: readonly [number, number],
  a2: readonly [number, number],
  b1: readonly [number, number],
  b2: readonly [number, number],
): [number, number, number, number] {
  return [
    cross(b1[0], b1[1], b2[0], b2[1], a1[0], a1[1]),
    cross(b1[0], b1[1], b2[0], b2[1], a2[0], a2[1]),
    cross(a1[0], a1[1], a2[0], a2[1], b1[0], b1[1]),
    cross(a1[0], a1[1], a2[0], a2[1], b2[0], b2[1]),
  ];
}

/** Whether the CLOSED segments a1–a2 and b1–b2 share any point (proper crossing, touching or collinear overlap). */
export function segmentsMeet(
  a1: readonly [number, number],
  a2: readonly [number, number],
  b1: readonly [number, number],
  b2: readonly [number, number],
): boolean {
  const d = sides(a1, a2, b1, b2);
  if (straddle(d)) return true;
  const [d1, d2, d3, d4] = d;
  return (
    (d1 === 0 && within(b1, b2, a1)) ||
    (d2 === 0 && within(b1, b2, a2)) ||
    (d3 === 0 && within(a1, a2, b1)) ||
    (d4 === 0 && within(a1, a2, b2))
  );
}

/** p (known collinear with a–b) lies within the bounding box of a–b. */
function within(a: readonly [number, number], b: readonly [number, number], p: readonly [number, number]): boolean {
  return (
    p[0] >= Math.min(a[0], b[0]) && p[0] <= Math.max(a[0], b[0]) && p[1] >= Math.min(a[1], b[1]) && p[1] <= Math.max(a[1], b[1])
  );
}

/** Signed shoelace area (positive when the vertices run clockwise on screen, y down). */
export function signedArea(poly: ReadonlyArray<readonly [number, number]>): number {
  let s = 0;
  const n = poly.length;
  for (let i = 0; i < n; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % n]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

/** Absolute polygon area. */
export function polygonArea(poly: ReadonlyArray<readonly [number, number]>): number {
  return Math.abs(signedArea(poly));
}

/**
 * Why the polygon is not simple, or undefined when it is: a repeated consecutive vertex, all vertices
 * on one line, adjacent edges folding back over each other, or two non-adjacent edges meeting
 * (crossing or touching). Does not check the area beyond "not all on one line".
 */
function simplicityProblem(poly: ReadonlyArray<readonly [number, number]>): string | undefined {
  const n = poly.length;
  if (n < 3) return `a polygon needs at least 3 points (got ${n})`;
  for (let i = 0; i < n; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % n]!;
    if (a[0] === b[0] && a[1] === b[1]) return `points ${i + 1} and ${((i + 1) % n) + 1} are the same point`;
  }
  // All vertices on one line: zero area, whatever the edges do.
  const p0 = poly[0]!;
  const p1 = poly[1]!;
  let allCollinear = true;
  for (let i = 2; i < n && allCollinear; i++) {
    const p = poly[i]!;
    if (Math.abs(cross(p0[0], p0[1], p1[0], p1[1], p[0], p[1])) > 1e-12) allCollinear = false;
  }
  if (allCollinear) return 'all points lie on one line (the zone has no area)';
  // Adjacent edges share a vertex; they must not overlap beyond it (a spike folding back on itself).
  for (let i = 0; i < n; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % n]!;
    const c = poly[(i + 2) % n]!;
    if (cross(a[0], a[1], b[0], b[1], c[0], c[1]) === 0) {
      const dot = (a[0] - b[0]) * (c[0] - b[0]) + (a[1] - b[1]) * (c[1] - b[1]);
      if (dot > 0) return `edges ${i + 1} and ${((i + 1) % n) + 1} fold back over each other (the outline is self-intersecting)`;
    }
  }
  // Non-adjacent edges must not meet at all.
  for (let i = 0; i < n; i++) {
    const a1 = poly[i]!;
    const a2 = poly[(i + 1) % n]!;
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // adjacent through vertex 0
      const b1 = poly[j]!;
      const b2 = poly[(j + 1) % n]!;
      if (segmentsMeet(a1, a2, b1, b2)) return `edges ${i + 1} and ${j + 1} cross or touch (the outline is self-intersecting)`;
    }
  }
  return undefined;
}

/**
 * A simple polygon: at least 3 vertices, no repeated consecutive vertex, no two non-adjacent edges
 * meeting (crossing or touching), adjacent edges not folding back over each other, and non-zero area.
 */
export function isSimplePolygon(poly: ReadonlyArray<readonly [number, number]>): boolean {
  return simplicityProblem(poly) === undefined && polygonArea(poly) > 1e-12;
}

/** Problem with one vertex of a zone or line (shape, finiteness, range), or undefined. */
function pointProblem(what: string, p: unknown, index: number): string | undefined {
  if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
    return `${what} point ${index + 1} must be a pair of numbers [x, y]`;
  }
  const x = p[0];
  const y = p[1];
  if (!Number.isFinite(x) || !Number.isFinite(y)) return `${what} point ${index + 1} has a non-finite coordinate`;
  if (x < 0 || x > 1 || y < 0 || y > 1) {
    return `${what} point ${index + 1} (${x}, ${y}) is outside the frame: coordinates are fractions of the frame and must be within 0–1`;
  }
  return undefined;
}

/**
 * Why a zone outline is unacceptable, or undefined when it is fine: 3 to 64 points, each [x, y]
 * with finite coordinates within [0, 1], a simple (not self-intersecting) outline, area > 1e-6.
 */
export function validateZone(points: ReadonlyArray<ReadonlyArray<number>>): string | undefined {
  if (!Array.isArray(points)) return 'zone points must be a list of [x, y] pairs';
  if (points.length < 3) return `zone needs at least 3 points (got ${points.length})`;
  if (points.length > MAX_ZONE_POINTS) return `zone has ${points.length} points; at most ${MAX_ZONE_POINTS} are allowed`;
  for (let i = 0; i < points.length; i++) {
    const problem = pointProblem('zone', points[i], i);
    if (problem) return problem;
  }
  const poly = points as ReadonlyArray<readonly [number, number]>;
  const simple = simplicityProblem(poly);
  if (simple) return `zone is not a simple polygon: ${simple}`;
  const area = polygonArea(poly);
  if (!(area > MIN_ZONE_AREA)) return `zone is too small (area ${area.toExponential(2)} of the frame; must exceed ${MIN_ZONE_AREA})`;
  return undefined;
}

/** Why a line is unacceptable, or undefined when it is fine: exactly 2 distinct points with coordinates within [0, 1]. */
export function validateLine(points: ReadonlyArray<ReadonlyArray<number>>): string | undefined {
  if (!Array.isArray(points)) return 'line points must be a list of two [x, y] pairs';
  if (points.length !== 2) return `line needs exactly 2 points (got ${points.length})`;
  for (let i = 0; i < 2; i++) {
    const problem = pointProblem('line', points[i], i);
    if (problem) return problem;
  }
  const a = points[0]!;
  const b = points[1]!;
  if (!(Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!) >= MIN_LINE_LENGTH)) return 'line needs 2 distinct points (its two points are the same)';
  return undefined;
}
