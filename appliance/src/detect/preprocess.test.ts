import { describe, expect, it } from 'vitest';
import { PLANE, planarToTensor } from './preprocess.js';

const W = 5;
const H = 3;
const plane = W * H;
/** A gbrp frame whose G, B and R planes hold distinct values. */
function frame(memory: ArrayBufferLike): Uint8Array {
  const f = new Uint8Array(memory, 0, plane * 3);
  for (let p = 0; p < plane; p++) {
    f[PLANE.G * plane + p] = 100 + p;
    f[PLANE.B * plane + p] = 50 + p;
    f[PLANE.R * plane + p] = 200 + p;
  }
  return f;
}

describe('planarToTensor', () => {
  it('orders the planes as the model wants, the same from a ring slot in shared memory as from plain memory', () => {
    const bgr = { colorOrder: 'BGR' as const, scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };
    const fromShared = new Float32Array(plane * 3);
    const fromPlain = new Float32Array(plane * 3);
    planarToTensor(frame(new SharedArrayBuffer(plane * 3 + 7)), fromShared, W, H, bgr);
    planarToTensor(frame(new ArrayBuffer(plane * 3)), fromPlain, W, H, bgr);
    expect(Array.from(fromShared)).toEqual(Array.from(fromPlain));
    expect([fromShared[0], fromShared[plane], fromShared[2 * plane], fromShared[3 * plane - 1]]).toEqual([50, 100, 200, 200 + plane - 1]);
  });

  it('applies scale, mean and std per channel in RGB order', () => {
    const rgb = { colorOrder: 'RGB' as const, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 1] };
    const out = new Float32Array(plane * 3);
    planarToTensor(frame(new SharedArrayBuffer(plane * 3)), out, W, H, rgb);
    expect(out[0]).toBeCloseTo((200 / 255 - 0.5) / 0.25, 5); // R
    expect(out[plane]).toBeCloseTo((100 / 255 - 0.5) / 0.5, 5); // G
    expect(out[2 * plane]).toBeCloseTo(50 / 255 - 0.5, 5); // B
  });

  it('refuses a frame shorter than three planes', () => {
    expect(() => planarToTensor(new Uint8Array(plane * 3 - 1), new Float32Array(plane * 3), W, H, { colorOrder: 'BGR', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] })).toThrow(/expected 45/);
  });
});
