/**
 * Micro-benchmark of HeatmapAccumulator.add (for `make bench`).
 *
 * Two cameras at 25 fps with 10 objects each moving smoothly (walking pace: crossing the frame in
 * 4–25 s), bouncing off the edges; 70 % are people, the rest cars. A track ends now and then and a
 * new id takes its place; the run starts 100 s before an hour boundary so a bucket change is
 * included, and drains every 10 s of scene time. The scene is generated beforehand; the timed loop
 * covers add, endTrack and drain, after a warm-up run for the JIT.
 */
import { HeatmapAccumulator } from '../src/analytics/heatmap.js';
import { rng } from '../src/math/random.js';

const FPS = 25;
const CAMERAS = ['cam-a', 'cam-b'] as const;
const PER_CAMERA = 10;
const CLASSES = ['person', 'car'] as const;


/** One update, or a track end when `end` is set. Kept in parallel arrays to keep generation out of the timing. */
interface Scene {
  n: number;
  cam: Uint8Array;
  cls: Uint8Array;
  id: Int32Array;
  x: Float64Array;
  y: Float64Array;
  t: Float64Array;
  end: Uint8Array;
}

interface Mover {
  id: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  cls: number;
}

export function heatmapScene(updates: number, seed = 1): Scene {
  const rand = rng(seed);
  const cap = updates + Math.ceil(updates / 100) + 64; // room for track ends
  const s: Scene = {
    n: 0,
    cam: new Uint8Array(cap),
    cls: new Uint8Array(cap),
    id: new Int32Array(cap),
    x: new Float64Array(cap),
    y: new Float64Array(cap),
    t: new Float64Array(cap),
    end: new Uint8Array(cap),
  };
  let nextId = 1;
  const spawn = (): Mover => {
    const speed = (0.04 + rand() * 0.21) / FPS; // frame widths per frame
    const angle = rand() * 2 * Math.PI;
    return { id: nextId++, x: rand(), y: rand(), vx: speed * Math.cos(angle), vy: speed * Math.sin(angle), cls: rand() < 0.7 ? 0 : 1 };
  };
  const movers: Mover[][] = CAMERAS.map(() => Array.from({ length: PER_CAMERA }, spawn));
  const hour = Math.floor(1_700_000_000 / 3600) * 3600;
  const t0 = hour + 3600 - 100;
  let updatesMade = 0;
  for (let frame = 0; updatesMade < updates; frame++) {
    const t = t0 + frame / FPS;
    for (let c = 0; c < CAMERAS.length && updatesMade < updates; c++) {
      const list = movers[c]!;
      for (let k = 0; k < list.length && updatesMade < updates; k++) {
        let m = list[k]!;
        if (rand() < 0.0005 && s.n < cap) {
          // the track ends; a new object appears
          s.cam[s.n] = c;
          s.id[s.n] = m.id;
          s.end[s.n] = 1;
          s.n++;
          m = list[k] = spawn();
        }
        m.x += m.vx + (rand() - 0.5) * 0.002;
        m.y += m.vy + (rand() - 0.5) * 0.002;
        if (m.x < 0 || m.x > 1) m.vx = -m.vx;
        if (m.y < 0 || m.y > 1) m.vy = -m.vy;
        m.x = Math.min(1, Math.max(0, m.x));
        m.y = Math.min(1, Math.max(0, m.y));
        if (s.n >= cap) break;
        s.cam[s.n] = c;
        s.cls[s.n] = m.cls;
        s.id[s.n] = m.id;
        s.x[s.n] = m.x;
        s.y[s.n] = m.y;
        s.t[s.n] = t;
        s.end[s.n] = 0;
        s.n++;
        updatesMade++;
      }
    }
  }
  return s;
}

function play(acc: HeatmapAccumulator, s: Scene): number {
  const drainEvery = 10;
  let nextDrain = s.n > 0 ? s.t[0]! + drainEvery : 0;
  let adds = 0;
  for (let i = 0; i < s.n; i++) {
    const camera = CAMERAS[s.cam[i]!]!;
    if (s.end[i] === 1) {
      acc.endTrack(camera, s.id[i]!);
      continue;
    }
    const t = s.t[i]!;
    if (t >= nextDrain) {
      acc.drain();
      nextDrain = t + drainEvery;
    }
    acc.add(camera, CLASSES[s.cls[i]!]!, s.id[i]!, s.x[i]!, s.y[i]!, t);
    adds++;
  }
  acc.drain();
  return adds;
}

export function benchHeatmap(updates = 200_000): { updates_per_second: number } {
  play(new HeatmapAccumulator(), heatmapScene(Math.min(updates, 50_000), 7));
  const scene = heatmapScene(updates, 1);
  const acc = new HeatmapAccumulator();
  const start = performance.now();
  const adds = play(acc, scene);
  const seconds = (performance.now() - start) / 1000;
  return { updates_per_second: seconds > 0 ? Math.round(adds / seconds) : 0 };
}
