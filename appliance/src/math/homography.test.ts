import { describe, expect, it } from 'vitest';
import { homographyFromPoints, invertHomography, project, type Homography } from './homography.js';

describe('homography', () => {
  // A known perspective map (image, normalised → ground, metres).
  const H: Homography = [12, 3, -2, 1, -40, 30, 0.2, 1.5, 1];
  const image = [[0.2, 0.3], [0.8, 0.3], [0.95, 0.9], [0.05, 0.9]] as [[number, number], [number, number], [number, number], [number, number]];
  const ground = image.map(([x, y]) => project(H, x, y)) as typeof image;

  it('recovers a known homography from four point pairs', () => {
    const h = homographyFromPoints(image, ground)!;
    for (let i = 0; i < 9; i++) expect(h[i]).toBeCloseTo(H[i]!, 9);
    // …and maps any other point as the known one does.
    const [x, y] = project(h, 0.5, 0.6);
    const [ex, ey] = project(H, 0.5, 0.6);
    expect(x).toBeCloseTo(ex, 9);
    expect(y).toBeCloseTo(ey, 9);
  });

  it('inverts: ground back to image', () => {
    const inv = invertHomography(H)!;
    const [gx, gy] = project(H, 0.4, 0.7);
    const [x, y] = project(inv, gx, gy);
    expect(x).toBeCloseTo(0.4, 9);
    expect(y).toBeCloseTo(0.7, 9);
  });

  it('refuses degenerate points (three on one line)', () => {
    expect(homographyFromPoints([[0, 0], [0.5, 0.5], [1, 1], [0, 1]], [[0, 0], [1, 0], [1, 1], [0, 1]])).toBeUndefined();
  });
});
