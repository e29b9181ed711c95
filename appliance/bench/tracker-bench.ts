/**
 * Micro-benchmark of ByteTracker.update on synthetic moving objects (for `make bench`).
 *
 * Objects move at constant velocity inside a 1920×1080 frame, bouncing off the edges, with jitter
 * on the boxes, occasional low-score frames (occlusion), missed frames and single-frame false
 * positives. Only the update calls are timed, after a warm-up run for the JIT.
 */
import type { Box } from '../src/math/box.js';
import { ByteTracker } from '../src/track/byte-tracker.js';
import type { Detection } from '../src/track/types.js';
import { rng } from '../src/math/random.js';

const WIDTH = 1920;
const HEIGHT = 1080;
const FPS = 25;


interface Mover {
  x: number;
  y: number;
  vx: number;
  vy: number;
  w: number;
  h: number;
  classId: number;
}

/** Detections of every frame of a synthetic scene. */
export function syntheticScene(objects: number, frames: number, seed = 1): Detection[][] {
  const rand = rng(seed);
  const movers: Mover[] = [];
  for (let i = 0; i < objects; i++) {
    const person = rand() < 0.7;
    const h = person ? 80 + rand() * 120 : 60 + rand() * 80;
    const w = person ? h * (0.35 + rand() * 0.1) : h * (1.4 + rand() * 0.6);
    movers.push({
      x: rand() * (WIDTH - w),
      y: rand() * (HEIGHT - h),
      vx: (rand() - 0.5) * 8,
      vy: (rand() - 0.5) * 4,
      w,
      h,
      classId: person ? 0 : 2,
    });
  }
  const out: Detection[][] = [];
  for (let f = 0; f < frames; f++) {
    const dets: Detection[] = [];
    for (const m of movers) {
      m.x += m.vx;
      m.y += m.vy;
      if (m.x < 0 || m.x + m.w > WIDTH) m.vx = -m.vx;
      if (m.y < 0 || m.y + m.h > HEIGHT) m.vy = -m.vy;
      const r = rand();
      if (r < 0.03) continue; // missed
      const score = r < 0.1 ? 0.15 + rand() * 0.3 : 0.6 + rand() * 0.35;
      const j = (): number => (rand() - 0.5) * 3;
      const box: Box = { x1: m.x + j(), y1: m.y + j(), x2: m.x + m.w + j(), y2: m.y + m.h + j() };
      dets.push({ box, score, classId: m.classId });
    }
    if (rand() < 0.05) {
      const x = rand() * (WIDTH - 100);
      const y = rand() * (HEIGHT - 200);
      dets.push({ box: { x1: x, y1: y, x2: x + 50, y2: y + 120 }, score: 0.6 + rand() * 0.3, classId: 0 });
    }
    out.push(dets);
  }
  return out;
}

export function benchTracker(objects = 20, frames = 2000): { ms_per_frame: number } {
  const warm = syntheticScene(objects, Math.min(frames, 300), 7);
  const warmTracker = new ByteTracker();
  warm.forEach((dets, f) => warmTracker.update(dets, f / FPS));

  const scene = syntheticScene(objects, frames, 1);
  const tracker = new ByteTracker();
  const start = performance.now();
  for (let f = 0; f < scene.length; f++) tracker.update(scene[f]!, f / FPS);
  const elapsed = performance.now() - start;
  return { ms_per_frame: frames > 0 ? elapsed / frames : 0 };
}
