import { describe, expect, it } from 'vitest';
import { ByteTracker } from './byte-tracker.js';
import { appearanceDistance, colourBin, embed, EMBEDDING_SIZE, type FrameView } from './appearance.js';
import type { Box } from '../math/box.js';
import type { Detection } from './types.js';
import { PLANE } from '../detect/preprocess.js';

/** A 200×200 frame, grey background, with rectangles painted in given colours (BGR). */
function paint(rects: Array<{ box: Box; top: [number, number, number]; bottom: [number, number, number] }>, gain = 1): FrameView {
  const w = 200;
  const h = 200;
  const data = new Uint8Array(w * h * 3).fill(128);
  for (const r of rects) {
    const mid = (r.box.y1 + r.box.y2) / 2;
    for (let y = r.box.y1; y < r.box.y2; y++) {
      for (let x = r.box.x1; x < r.box.x2; x++) {
        const c = y < mid ? r.top : r.bottom;
        const p = (y * w + x) * 3;
        for (let k = 0; k < 3; k++) data[p + k] = Math.min(255, Math.round(c[k]! * gain));
      }
    }
  }
  // Painted as packed BGR, handed over as planar gbrp like camera frames.
  const planar = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    planar[PLANE.B * w * h + p] = data[p * 3]!;
    planar[PLANE.G * w * h + p] = data[p * 3 + 1]!;
    planar[PLANE.R * w * h + p] = data[p * 3 + 2]!;
  }
  return { data: planar, width: w, height: h, scaleX: 1, scaleY: 1 };
}

const RED: [number, number, number] = [30, 30, 200];
const BLUE: [number, number, number] = [200, 40, 30];
const GREEN: [number, number, number] = [40, 180, 40];
const box = (x1: number, y1 = 40): Box => ({ x1, y1, x2: x1 + 40, y2: y1 + 120 });

describe('appearance descriptor', () => {
  it('is unit length, near 0 apart for the same look and near 1 for different colours', () => {
    const a = embed(paint([{ box: box(10), top: RED, bottom: BLUE }]), box(10))!;
    const b = embed(paint([{ box: box(100), top: RED, bottom: BLUE }]), box(100))!;
    const c = embed(paint([{ box: box(100), top: GREEN, bottom: GREEN }]), box(100))!;
    expect(a).toHaveLength(EMBEDDING_SIZE);
    expect(a.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 5);
    expect(appearanceDistance(a, b)).toBeLessThan(0.01);
    expect(appearanceDistance(a, c)).toBeGreaterThan(0.9);
  });

  it('tolerates a 25% change in brightness', () => {
    const a = embed(paint([{ box: box(10), top: RED, bottom: BLUE }]), box(10))!;
    const darker = embed(paint([{ box: box(10), top: RED, bottom: BLUE }], 0.75), box(10))!;
    expect(appearanceDistance(a, darker)).toBeLessThan(0.2);
  });

  it('declines boxes too small to judge', () => {
    expect(embed(paint([]), { x1: 0, y1: 0, x2: 4, y2: 8 })).toBeUndefined();
  });
});

describe('ByteTracker with appearance', () => {
  const det = (b: Box, embedding: Float32Array): Detection => ({ box: b, score: 0.9, classId: 0, embedding });
  const look = (top: [number, number, number], bottom: [number, number, number]) => embed(paint([{ box: box(10), top, bottom }]), box(10))!;
  const redBlue = look(RED, BLUE);
  const green = look(GREEN, GREEN);

  /** Two people side by side for 5 frames, then each appears where the motion model expects the other. */
  function crossing(weight: number): number[][] {
    const tracker = new ByteTracker({ appearanceWeight: weight });
    const ids: number[][] = [];
    for (let f = 0; f < 5; f++) {
      const u = tracker.update([det(box(80), redBlue), det(box(110), green)], f / 25);
      ids.push(u.tracks.map((t) => t.id));
    }
    // The red-blue person is now at x=101, the green one at x=89: IoU alone pairs them the wrong way.
    const u = tracker.update([det(box(101), redBlue), det(box(89), green)], 5 / 25);
    ids.push(u.tracks.sort((a, b) => a.box.x1 - b.box.x1).map((t) => t.id));
    return ids;
  }

  it('keeps identities when people cross and IoU alone would swap them', () => {
    const withAppearance = crossing(1);
    expect(withAppearance[0]).toEqual([1, 2]);
    expect(withAppearance[5]).toEqual([2, 1]); // left box (x=89) is the green person, id 2
    const motionOnly = crossing(0);
    expect(motionOnly[5]).toEqual([1, 2]); // the swap appearance prevents
  });
});

// --- colour bins by integer comparisons (issue 16, CPU per frame) ---
describe('colourBin', () => {
  /** The bins as first written, with divisions: the integer comparisons must give the same for every colour. */
  function byDivision(c0: number, c1: number, c2: number): number {
    const max = Math.max(c0, c1, c2);
    const min = Math.min(c0, c1, c2);
    const chroma = max - min;
    if (chroma < 24 || max < 40) return 48 + (max >> 4);
    let h: number;
    if (max === c0) h = (c1 - c2) / chroma;
    else if (max === c1) h = 2 + (c2 - c0) / chroma;
    else h = 4 + (c0 - c1) / chroma;
    if (h < 0) h += 6;
    return Math.min(11, Math.floor(h * 2)) * 4 + Math.min(3, Math.floor((chroma / max) * 4));
  }

  it('puts every one of the 2^24 colours in the bin the division formula gives', () => {
    let differing = 0;
    let outside = 0;
    for (let b = 0; b < 256; b++) {
      for (let g = 0; g < 256; g++) {
        for (let r = 0; r < 256; r++) {
          const bin = colourBin(b, g, r);
          if (bin !== byDivision(b, g, r)) differing++;
          if (!(bin >= 0 && bin < 64)) outside++;
        }
      }
    }
    expect(differing).toBe(0);
    expect(outside).toBe(0);
  });

  it('bins greys by brightness and colours by hue and saturation', () => {
    expect(colourBin(128, 128, 128)).toBe(48 + 8);
    expect(colourBin(30, 30, 200)).toBe(byDivision(30, 30, 200));
    expect(colourBin(200, 40, 30)).not.toBe(colourBin(30, 30, 200));
  });
});
