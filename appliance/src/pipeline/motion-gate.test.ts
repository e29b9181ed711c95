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
});
