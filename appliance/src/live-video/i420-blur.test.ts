import { describe, expect, it } from 'vitest';
import { letterbox } from '../detect/types.js';
import { NO_PRIVACY } from '../config/privacy.js';
import type { ProcessedFrame } from '../pipeline/frame-processor.js';
import { blurI420, frameBlurRegions } from './i420-blur.js';
import type { I420 } from './frame-i420.js';

// Issue 19: privacy.blur on the live picture. An I420 picture full of detail (a 2-px checkerboard in
// every plane) blurred over one region: the detail inside drops, every byte outside stays as it was.

function checker(width: number, height: number): I420 {
  const data = new Uint8Array(width * height * 1.5);
  const plane = (off: number, w: number, h: number) => {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[off + y * w + x] = ((x >> 1) + (y >> 1)) % 2 ? 200 : 40;
  };
  plane(0, width, height);
  plane(width * height, width / 2, height / 2);
  plane(width * height * 1.25, width / 2, height / 2);
  return { width, height, data };
}

/** Mean absolute difference between horizontal neighbours over a rectangle of one plane. */
function detail(p: Uint8Array, stride: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1 - 1; x++) {
      sum += Math.abs(p[y * stride + x]! - p[y * stride + x + 1]!);
      n++;
    }
  }
  return sum / n;
}

describe('live picture blur (i420-blur.ts)', () => {
  // A 1280×720 source analysed at 640×640: the picture is 640×360, boxes are in source pixels.
  const lb = letterbox(1280, 720, 640, 640);

  it("drops the detail inside a person's region in all three planes and leaves every other byte as it was", () => {
    const pic = checker(lb.width, lb.height);
    const before = pic.data.slice();
    // Source region 400..800 × 200..600 → picture 200..400 × 100..300.
    blurI420(pic, lb, [{ left: 400, top: 200, width: 400, height: 400 }]);
    const { width: w, height: h } = pic;
    const y = pic.data.subarray(0, w * h);
    const u = pic.data.subarray(w * h, w * h * 1.25);
    const v = pic.data.subarray(w * h * 1.25);
    expect(detail(y, w, 210, 110, 390, 290)).toBeLessThan(0.1 * detail(before.subarray(0, w * h), w, 210, 110, 390, 290));
    expect(detail(u, w / 2, 105, 55, 195, 145)).toBeLessThan(0.15 * detail(before.subarray(w * h, w * h * 1.25), w / 2, 105, 55, 195, 145));
    expect(detail(v, w / 2, 105, 55, 195, 145)).toBeLessThan(0.15 * detail(before.subarray(w * h * 1.25), w / 2, 105, 55, 195, 145));
    let changedOutside = 0;
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) {
        const inside = xx >= 200 && xx < 400 && yy >= 100 && yy < 300;
        if (!inside && y[yy * w + xx] !== before[yy * w + xx]) changedOutside++;
      }
    }
    for (let yy = 0; yy < h / 2; yy++) {
      for (let xx = 0; xx < w / 2; xx++) {
        const inside = xx >= 100 && xx < 200 && yy >= 50 && yy < 150;
        const i = yy * (w / 2) + xx;
        if (!inside && (u[i] !== before[w * h + i] || v[i] !== before[w * h * 1.25 + i])) changedOutside++;
      }
    }
    expect(changedOutside).toBe(0);
  });

  it('blurs the boxes of the privacy classes (tracks and raw detections), nothing for blur none', () => {
    const person = { classId: 0, box: { x1: 100, y1: 100, x2: 200, y2: 400 } };
    const car = { classId: 2, box: { x1: 600, y1: 300, x2: 900, y2: 500 } };
    const f = { camera: 'c', timeMs: 0, tracks: [{ ...person, id: 1 }], counts: undefined, result: { letterbox: lb, detections: [{ ...car, score: 0.9 }, { classId: 0, score: 0.4, box: { x1: 1000, y1: 50, x2: 1100, y2: 300 } }] } } as unknown as ProcessedFrame;
    const name = (c: number) => ['person', 'bicycle', 'car'][c] ?? String(c);
    const regions = frameBlurRegions({ ...NO_PRIVACY, blur: 'people' }, f, name);
    expect(regions).toHaveLength(2);
    expect(regions[0]!.left).toBeLessThanOrEqual(100);
    expect(regions[0]!.left + regions[0]!.width).toBeGreaterThanOrEqual(200);
    expect(regions[1]!.left).toBeLessThanOrEqual(1000);
    expect(frameBlurRegions({ ...NO_PRIVACY, blur: 'people', classes: ['person', 'car'] }, f, name)).toHaveLength(3);
    expect(frameBlurRegions(NO_PRIVACY, f, name)).toEqual([]);
  });
});
