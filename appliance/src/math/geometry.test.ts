import { describe, expect, it } from 'vitest';
import {
  distanceToPolygonEdge,
  isSimplePolygon,
  pointInPolygon,
  pointInPolygonFlat,
  polygonArea,
  segmentsIntersect,
  segmentsMeet,
  sideOfLine,
  validateLine,
  validateZone,
  type Point,
} from './geometry.js';

const square: Point[] = [
  [0.2, 0.2],
  [0.6, 0.2],
  [0.6, 0.6],
  [0.2, 0.6],
];

describe('pointInPolygon', () => {
  it('separates inside from outside', () => {
    expect(pointInPolygon([0.4, 0.4], square)).toBe(true);
    expect(pointInPolygon([0.1, 0.4], square)).toBe(false);
    expect(pointInPolygon([0.7, 0.4], square)).toBe(false);
    expect(pointInPolygon([0.4, 0.1], square)).toBe(false);
    expect(pointInPolygon([0.4, 0.7], square)).toBe(false);
  });

  it('counts edges and vertices as inside, whatever the winding', () => {
    const reversed = [...square].reverse();
    for (const poly of [square, reversed]) {
      for (const p of [
        [0.2, 0.4],
        [0.6, 0.4],
        [0.4, 0.2],
        [0.4, 0.6],
        [0.2, 0.2],
        [0.6, 0.6],
      ] as Point[]) {
        expect(pointInPolygon(p, poly)).toBe(true);
      }
    }
  });

  it('handles a concave polygon and a scan line through vertices', () => {
    // A "U": the notch (0.4–0.6, 0.2–0.6) is outside.
    const u: Point[] = [
      [0.2, 0.2],
      [0.4, 0.2],
      [0.4, 0.6],
      [0.6, 0.6],
      [0.6, 0.2],
      [0.8, 0.2],
      [0.8, 0.8],
      [0.2, 0.8],
    ];
    expect(pointInPolygon([0.5, 0.4], u)).toBe(false);
    expect(pointInPolygon([0.3, 0.4], u)).toBe(true);
    expect(pointInPolygon([0.7, 0.4], u)).toBe(true);
    expect(pointInPolygon([0.5, 0.7], u)).toBe(true);
    // y = 0.6 passes through two vertices and a horizontal edge.
    expect(pointInPolygon([0.1, 0.6], u)).toBe(false);
    expect(pointInPolygon([0.3, 0.6], u)).toBe(true);
    expect(pointInPolygon([0.9, 0.6], u)).toBe(false);
    // A diamond, scan line through the side vertices.
    const diamond: Point[] = [
      [0.5, 0.1],
      [0.9, 0.5],
      [0.5, 0.9],
      [0.1, 0.5],
    ];
    expect(pointInPolygon([0.05, 0.5], diamond)).toBe(false);
    expect(pointInPolygon([0.5, 0.5], diamond)).toBe(true);
    expect(pointInPolygon([0.95, 0.5], diamond)).toBe(false);
  });

  it('agrees with the flat variant', () => {
    const flat = square.flat();
    for (let i = 0; i <= 20; i++) {
      for (let j = 0; j <= 20; j++) {
        const p: Point = [i / 20, j / 20];
        expect(pointInPolygonFlat(p[0], p[1], flat)).toBe(pointInPolygon(p, square));
      }
    }
  });
});

describe('distanceToPolygonEdge', () => {
  const flat = square.flat();
  it('measures to the nearest edge, inside or outside, in the units given', () => {
    expect(distanceToPolygonEdge(0.4, 0.3, flat, 1, 1)).toBeCloseTo(0.1, 12); // inside, nearest the top edge
    expect(distanceToPolygonEdge(0.7, 0.4, flat, 1, 1)).toBeCloseTo(0.1, 12); // outside, right of the right edge
    expect(distanceToPolygonEdge(0.7, 0.7, flat, 1, 1)).toBeCloseTo(Math.hypot(0.1, 0.1), 12); // past a corner
    // In box sizes: a box 0.2 wide and 0.1 high; the point (0.7, 0.4) in those units is (3.5, 4).
    expect(distanceToPolygonEdge(0.7 / 0.2, 0.4 / 0.1, flat, 0.2, 0.1)).toBeCloseTo(0.5, 12);
  });
});

describe('segmentsIntersect / segmentsMeet', () => {
  it('finds proper crossings only', () => {
    expect(segmentsIntersect([0, 0], [1, 1], [0, 1], [1, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [0.4, 0.4], [0, 1], [1, 0])).toBe(false); // stops short
    expect(segmentsIntersect([0, 0], [0.5, 0.5], [0, 1], [1, 0])).toBe(false); // touches: not proper
    expect(segmentsIntersect([0, 0], [1, 0], [0.5, 0], [2, 0])).toBe(false); // collinear overlap
    expect(segmentsIntersect([0, 0], [1, 0], [0, 1], [1, 1])).toBe(false); // parallel
  });

  it('segmentsMeet also accepts touching and overlap', () => {
    expect(segmentsMeet([0, 0], [0.5, 0.5], [0, 1], [1, 0])).toBe(true);
    expect(segmentsMeet([0, 0], [1, 0], [0.5, 0], [2, 0])).toBe(true);
    expect(segmentsMeet([0, 0], [1, 0], [1.5, 0], [2, 0])).toBe(false);
    expect(segmentsMeet([0, 0], [0.4, 0.4], [0, 1], [1, 0])).toBe(false);
  });
});

describe('sideOfLine', () => {
  it('is negative on the left of a→b as seen on screen (y down), positive on the right', () => {
    // a→b points right: the upper half (smaller y) is on the left.
    expect(sideOfLine([0.5, 0.2], [0, 0.5], [1, 0.5])).toBe(-1);
    expect(sideOfLine([0.5, 0.8], [0, 0.5], [1, 0.5])).toBe(1);
    expect(sideOfLine([0.3, 0.5], [0, 0.5], [1, 0.5])).toBe(0);
    // a→b points down: the right half of the screen is on the walker's left.
    expect(sideOfLine([0.8, 0.5], [0.5, 0], [0.5, 1])).toBe(-1);
    expect(sideOfLine([0.2, 0.5], [0.5, 0], [0.5, 1])).toBe(1);
  });
});

describe('isSimplePolygon', () => {
  it('accepts simple polygons in either winding', () => {
    expect(isSimplePolygon(square)).toBe(true);
    expect(isSimplePolygon([...square].reverse())).toBe(true);
    expect(isSimplePolygon([[0, 0], [1, 0], [0, 1]])).toBe(true);
  });

  it('rejects a bow-tie, a touching vertex, a fold-back spike and zero area', () => {
    expect(isSimplePolygon([[0.2, 0.2], [0.8, 0.8], [0.8, 0.2], [0.2, 0.8]])).toBe(false);
    // Vertex 4 touches edge 1 (non-adjacent).
    expect(isSimplePolygon([[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.5, 0.2], [0.2, 0.8]])).toBe(false);
    // Edge 2 runs back over edge 1.
    expect(isSimplePolygon([[0.2, 0.2], [0.8, 0.2], [0.5, 0.2], [0.5, 0.8]])).toBe(false);
    expect(isSimplePolygon([[0.1, 0.1], [0.5, 0.5], [0.9, 0.9]])).toBe(false);
    expect(isSimplePolygon([[0.1, 0.1], [0.1, 0.1], [0.9, 0.9], [0.1, 0.9]])).toBe(false);
  });

  it('computes the area', () => {
    expect(polygonArea(square)).toBeCloseTo(0.16, 12);
  });
});

describe('validateZone', () => {
  it('accepts a good zone', () => {
    expect(validateZone(square)).toBeUndefined();
  });

  it('needs at least 3 points', () => {
    expect(validateZone([[0.1, 0.1], [0.5, 0.5]])).toBe('zone needs at least 3 points (got 2)');
    expect(validateZone([])).toBe('zone needs at least 3 points (got 0)');
  });

  it('allows at most 64 points', () => {
    const circle = (n: number): Point[] =>
      Array.from({ length: n }, (_, i): Point => [0.5 + 0.4 * Math.cos((2 * Math.PI * i) / n), 0.5 + 0.4 * Math.sin((2 * Math.PI * i) / n)]);
    expect(validateZone(circle(64))).toBeUndefined();
    expect(validateZone(circle(65))).toBe('zone has 65 points; at most 64 are allowed');
  });

  it('rejects a self-intersecting bow-tie', () => {
    expect(validateZone([[0.2, 0.2], [0.8, 0.8], [0.8, 0.2], [0.2, 0.8]])).toBe(
      'zone is not a simple polygon: edges 1 and 3 cross or touch (the outline is self-intersecting)',
    );
  });

  it('rejects coordinates outside 0–1 and non-finite ones', () => {
    expect(validateZone([[0.2, 0.2], [1.2, 0.2], [0.2, 0.8]])).toBe(
      'zone point 2 (1.2, 0.2) is outside the frame: coordinates are fractions of the frame and must be within 0–1',
    );
    expect(validateZone([[0.2, -0.1], [0.8, 0.2], [0.2, 0.8]])).toBe(
      'zone point 1 (0.2, -0.1) is outside the frame: coordinates are fractions of the frame and must be within 0–1',
    );
    expect(validateZone([[0.2, 0.2], [0.8, 0.2], [NaN, 0.8]])).toBe('zone point 3 has a non-finite coordinate');
    expect(validateZone([[0.2, 0.2], [0.8, 0.2], [0.5] as unknown as Point])).toBe('zone point 3 must be a pair of numbers [x, y]');
  });

  it('rejects degenerate zones', () => {
    expect(validateZone([[0.1, 0.1], [0.5, 0.5], [0.9, 0.9]])).toBe(
      'zone is not a simple polygon: all points lie on one line (the zone has no area)',
    );
    expect(validateZone([[0.1, 0.1], [0.1, 0.1], [0.9, 0.9]])).toBe('zone is not a simple polygon: points 1 and 2 are the same point');
    expect(validateZone([[0.5, 0.5], [0.5005, 0.5], [0.5, 0.5005]])).toMatch(/^zone is too small \(area 1\.25e-7 of the frame; must exceed 0\.000001\)$/);
  });
});

describe('validateLine', () => {
  it('accepts a good line', () => {
    expect(validateLine([[0.1, 0.5], [0.9, 0.5]])).toBeUndefined();
  });

  it('needs exactly 2 distinct points within 0–1', () => {
    expect(validateLine([[0.1, 0.5]])).toBe('line needs exactly 2 points (got 1)');
    expect(validateLine([[0.1, 0.5], [0.2, 0.5], [0.3, 0.5]])).toBe('line needs exactly 2 points (got 3)');
    expect(validateLine([[0.3, 0.3], [0.3, 0.3]])).toBe('line needs 2 distinct points (its two points are the same)');
    expect(validateLine([[0.1, 0.5], [0.9, 1.5]])).toBe(
      'line point 2 (0.9, 1.5) is outside the frame: coordinates are fractions of the frame and must be within 0–1',
    );
    expect(validateLine([[0.1, Infinity], [0.9, 0.5]])).toBe('line point 1 has a non-finite coordinate');
  });
});
