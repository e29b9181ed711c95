import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/loader.js';
import { homographyFromPoints, invertHomography, project } from '../math/homography.js';
import type { TrackSnapshot } from '../track/types.js';
import { CameraAnalytics } from './camera-analytics.js';
import { speedEngine, speedReport } from './engines/speed.js';
import { HeatmapAccumulator } from './heatmap.js';

const W = 1280;
const H = 720;
const FPS = 12.5;
const CLASSES = ['person', 'car'];
type P4 = [[number, number], [number, number], [number, number], [number, number]];
/** A road seen in perspective: the far edge (30 m away) is narrower in the picture than the near one. */
const IMAGE: P4 = [[0.3, 0.35], [0.7, 0.35], [0.95, 0.95], [0.05, 0.95]];
const GROUND: P4 = [[0, 30], [10, 30], [10, 0], [0, 0]];

/** A track moving on the ground from (x0, y0) at (vx, vy) m/s, as pixel boxes (±1 px of jitter on the foot point). */
function groundTrack(id: number, classId: number, x0: number, y0: number, vx: number, vy: number, seconds: number, toImage: (gx: number, gy: number) => [number, number]) {
  const out: Array<{ t: number; snap: TrackSnapshot }> = [];
  for (let i = 0; i <= seconds * FPS; i++) {
    const t = i / FPS;
    const [x, y] = toImage(x0 + vx * t, y0 + vy * t);
    const jx = ((i * 7919) % 3) - 1;
    const jy = ((i * 104729) % 3) - 1;
    const fx = x * W + jx;
    const fy = y * H + jy;
    out.push({ t: 1000 + t, snap: { id, classId, box: { x1: fx - 20, y1: fy - 50, x2: fx + 20, y2: fy }, score: 0.9, state: 'tracked', firstSeen: 1000, lastSeen: 1000 + t, hits: i + 1 } });
  }
  return out;
}

function run(camera: Parameters<typeof validateConfig>[0], tracks: Array<Array<{ t: number; snap: TrackSnapshot }>>) {
  const cam = validateConfig(camera).cameras[0]!;
  const ca = new CameraAnalytics('road', cam, 3, new HeatmapAccumulator({ width: 8, height: 8 }), (id) => CLASSES[id] ?? '?', [speedEngine]);
  const frames = new Map<number, TrackSnapshot[]>();
  for (const tr of tracks) for (const { t, snap } of tr) (frames.get(t) ?? frames.set(t, []).get(t)!).push(snap);
  let live: unknown;
  for (const [t, snaps] of [...frames].sort((a, b) => a[0] - b[0])) {
    ca.onFrame(snaps, t, W, H);
    if (snaps.some((s) => s.classId === 1)) live = ca.live().speed;
  }
  return { report: speedReport(ca.drainMinutes()) as { zones: Array<{ zone: string; class: string; samples: number; p50_mps: number; p85_mps: number; p95_mps: number; max_mps: number }> }, live };
}

describe('speed from a ground calibration', () => {
  const h = homographyFromPoints(IMAGE, GROUND)!;
  const inv = invertHomography(h)!;
  const toImage = (gx: number, gy: number) => project(inv, gx, gy);

  it('turns pixel tracks into m/s within 5% through a 4-point homography, per zone and class', () => {
    const { report, live } = run(
      { cameras: [{ id: 'road', source: 'x', zones: [{ id: 'far', points: [[0, 0], [1, 0], [1, 0.55], [0, 0.55]] }], speed: { image_points: IMAGE, ground_points: GROUND } }] },
      [
        groundTrack(1, 1, 3, 2, 0, 10, 2.6, toImage), // a car driving away at 10 m/s
        groundTrack(2, 0, 1, 20, 1.4, 0, 5, toImage), // a person crossing far away at 1.4 m/s
        groundTrack(3, 1, 7, 28, 0, -6, 4, toImage), // a car coming closer at 6 m/s
      ],
    );
    const all = (cls: string) => report.zones.find((z) => z.zone === '*' && z.class === cls)!;
    const person = all('person');
    expect(person.samples).toBeGreaterThanOrEqual(4);
    for (const p of [person.p50_mps, person.p95_mps]) expect(Math.abs(p - 1.4) / 1.4).toBeLessThan(0.05);
    const car = all('car');
    console.log(`speed: person 1.4 m/s → p50 ${person.p50_mps}, p95 ${person.p95_mps}; cars 6 and 10 m/s → p50 ${car.p50_mps}, p95 ${car.p95_mps}`);
    expect(Math.abs(car.p50_mps - 6) / 6).toBeLessThan(0.05);
    expect(Math.abs(car.p95_mps - 10) / 10).toBeLessThan(0.05);
    // The far zone (the upper part of the picture, ≥ ~14 m away) sees the person, not the near car.
    const far = report.zones.filter((z) => z.zone === 'far').map((z) => z.class);
    expect(far).toContain('person');
    // Live: the fastest car of the last windows, for the speeding rule.
    const liveCar = (live as Record<string, Record<string, { mps: number }>>)['*']!.car!;
    expect(liveCar.mps).toBeGreaterThan(5.5);
  });

  it('uses a known length when there is no 4-point calibration', () => {
    // 20 m between x = 0.1 and 0.9 of a 1280 px picture: 1024 px, so 1 px = 1/51.2 m.
    const scale = 20 / (0.8 * W);
    const topDown = (gx: number, gy: number): [number, number] => [gx / scale / W, gy / scale / H];
    const { report } = run({ cameras: [{ id: 'road', source: 'x', speed: { reference: { points: [[0.1, 0.5], [0.9, 0.5]], metres: 20 } } }] }, [groundTrack(1, 1, 2, 3, 8, 3, 2, topDown)]);
    const v = Math.hypot(8, 3);
    const car = report.zones.find((z) => z.class === 'car')!;
    console.log(`speed (known length): ${v.toFixed(3)} m/s → p50 ${car.p50_mps}`);
    expect(Math.abs(car.p50_mps - v) / v).toBeLessThan(0.05);
  });

  // Issue 18, live speed topics: the percentiles of the last minute's samples per zone and class.
  it('gives live percentiles of the last minute per class, and the fastest sample of the last windows', () => {
    const scale = 20 / (0.8 * W); // the picture is 25 m × 14 m
    const topDown = (gx: number, gy: number): [number, number] => [gx / scale / W, gy / scale / H];
    // A person at 1.5 m/s and two cars, at 6 m/s for 3.2 s and at 9 m/s for 2.5 s, all in the picture.
    const { live } = run({ cameras: [{ id: 'road', source: 'x', speed: { reference: { points: [[0.1, 0.5], [0.9, 0.5]], metres: 20 } } }] }, [
      groundTrack(1, 0, 2, 3, 1.5, 0, 3.2, topDown),
      groundTrack(2, 1, 1, 7, 6, 0, 3.2, topDown),
      groundTrack(3, 1, 1, 11, 9, 0, 2.5, topDown),
    ]);
    const l = live as Record<string, Record<string, { mps: number; track: number; samples: number; p50_mps: number; p85_mps: number; p95_mps: number; max_mps: number }>>;
    const near = (v: number, want: number) => expect(Math.abs(v - want) / want).toBeLessThan(0.05);
    const person = l['*']!.person!;
    expect(person.samples).toBe(3);
    near(person.p50_mps, 1.5);
    near(person.p95_mps, 1.5);
    // One sample a second (at 1.04, 2.08, 3.12 s of 12.5 fps): 3 of the slower car, 2 of the faster: the median is the slower's, p85 and up the faster's.
    const car = l['*']!.car!;
    expect(car.samples).toBe(5);
    near(car.p50_mps, 6);
    near(car.p85_mps, 9);
    near(car.p95_mps, 9);
    near(car.max_mps, 9);
    // The speeding rule's input: the fastest of the last two windows, with its track.
    expect(car.track).toBe(3);
    near(car.mps, 9);
  });
});
