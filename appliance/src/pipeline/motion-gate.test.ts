import { describe, expect, it } from 'vitest';
import { MotionGate } from './motion-gate.js';

describe('MotionGate', () => {
  const w = 64;
  const h = 64;
  const frame = (fill: number, box?: { x: number; y: number; size: number; value: number }) => {
    const f = new Uint8Array(w * h * 3).fill(fill);
    // Planar frame: the square is painted in each of the three planes.
    if (box) for (let c = 0; c < 3; c++) for (let y = box.y; y < box.y + box.size; y++) for (let x = box.x; x < box.x + box.size; x++) f[c * w * h + y * w + x] = box.value;
    return f;
  };

  it('reports everything changed before a reference, nothing for the same picture', () => {
    const gate = new MotionGate(w, h);
    expect(gate.changed(frame(100))).toBe(1);
    gate.setReference(frame(100));
    expect(gate.changed(frame(100))).toBe(0);
    expect(gate.changed(frame(105))).toBe(0); // sensor noise stays under the per-pixel threshold
  });

  it('measures the share of the grid that moved', () => {
    const gate = new MotionGate(w, h);
    gate.setReference(frame(100));
    // A 32x32 bright square covers a quarter of the 8x8 sample grid.
    expect(gate.changed(frame(100, { x: 0, y: 0, size: 32, value: 250 }))).toBeCloseTo(0.25, 5);
  });

  it('samples only the picture of a letterboxed frame, so a share means the same at every input size', () => {
    const letterbox = (iw: number, ih: number) => ({ srcWidth: 640, srcHeight: 480, inputWidth: iw, inputHeight: ih, width: 64, height: 48, scaleX: 0.1, scaleY: 0.1 });
    // The same 64×48 picture (a 4:3 camera) padded to 64×64 (square input) and to 64×56.
    const painted = (ih: number, box?: { x: number; y: number; size: number; value: number }, padValue = 114) => {
      const f = new Uint8Array(64 * ih * 3).fill(padValue);
      for (let c = 0; c < 3; c++) for (let y = 0; y < 48; y++) for (let x = 0; x < 64; x++) {
        const inBox = box && x >= box.x && x < box.x + box.size && y >= box.y && y < box.y + box.size;
        f[c * 64 * ih + y * 64 + x] = inBox ? box.value : 100;
      }
      return f;
    };
    const moved = { x: 0, y: 0, size: 24, value: 250 };
    const shares = [64, 56].map((ih) => {
      const gate = MotionGate.forLetterbox(letterbox(64, ih));
      expect(gate.fits(letterbox(64, ih))).toBe(true);
      expect(gate.fits(letterbox(64, ih === 64 ? 56 : 64))).toBe(false);
      gate.setReference(painted(ih));
      // Padding that changed (a decoder filling it differently) is not motion.
      expect(gate.changed(painted(ih, undefined, 0))).toBe(0);
      return gate.changed(painted(ih, moved));
    });
    // 24×24 of the 64×48 picture: 3×3 of the 8×6 sample grid.
    expect(shares[0]).toBeCloseTo(9 / 48, 5);
    expect(shares[1]).toBeCloseTo(shares[0]!, 5);
  });
});
