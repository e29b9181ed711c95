import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MANIFEST } from '../src/config/paths.js';
import { DeadlineQueue } from '../src/detect/deadline-queue.js';
import type { DetectorOptions } from '../src/detect/detector.js';
import { DetectorPool } from '../src/detect/detector-pool.js';
import type { FrameDetector } from '../src/detect/frame-detector.js';
import type { Detection } from '../src/detect/types.js';
import { testFrames, type TestFrame } from './frames.js';

const base = { provider: 'cpu' as const, threads: 1, scoreThreshold: 0.1, classes: [] } satisfies Partial<DetectorOptions>;

/** Classes and boxes to 0.01 px, sorted: what identifies a frame's detections. */
const summary = (ds: Detection[]) => ds.map((d) => [d.classId, ...[d.box.x1, d.box.y1, d.box.x2, d.box.y2].map((v) => Math.round(v * 100))].join(' ')).sort();

describe('DeadlineQueue: oldest frame first', () => {
  it('serves by arrival time from the source, not by time queued; equal times keep their queue order', () => {
    const q = new DeadlineQueue<string>();
    q.push('cam1 @30', 30);
    q.push('cam2 @10', 10);
    q.push('cam3 @20', 20);
    q.push('cam4 @10', 10);
    q.push('cam5 @5', 5);
    expect(q.length).toBe(5);
    expect(q.take(2)).toEqual(['cam5 @5', 'cam2 @10']);
    q.push('cam6 @15', 15);
    expect(q.take(1)).toEqual(['cam4 @10']);
    expect(q.drain()).toEqual(['cam6 @15', 'cam3 @20', 'cam1 @30']);
    expect(q.length).toBe(0);
    expect(q.take(3)).toEqual([]);
  });
});

describe('DetectorPool serves waiting frames oldest first (real worker, real frames)', () => {
  let frames: TestFrame[];
  let pool: FrameDetector;

  beforeAll(async () => {
    frames = await testFrames();
    pool = await DetectorPool.create({ ...base, manifestPath: DEFAULT_MODEL_MANIFEST, workers: 1 });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('a frame that waited longer at its camera overtakes fresher frames queued before it', async () => {
    const shared = (k: number) => {
      const f = frames[k % frames.length]!;
      const s = new Uint8Array(new SharedArrayBuffer(f.pixels.length));
      s.set(f.pixels);
      return { frame: s, letterbox: f.letterbox };
    };
    const served: string[] = [];
    const job = (name: string, k: number, receivedAt?: number) =>
      pool.detect({ ...shared(k), ...(receivedAt === undefined ? {} : { receivedAt }) }).then((r) => {
        served.push(name);
        return { k, r };
      });
    // The oldest two keep the one worker busy; the rest wait in the pool's queue, queued newest first.
    const all = await Promise.all([
      job('busy-1', 0, 1),
      job('busy-2', 1, 2),
      job('unstamped', 2),
      job('fresh @300', 3, 300),
      job('older @100', 4, 100),
      job('middle @200', 5, 200),
    ]);
    expect(served).toEqual(['busy-1', 'busy-2', 'older @100', 'middle @200', 'fresh @300', 'unstamped']);
    // Each result still belongs to its own frame: the same as the frame run alone afterwards.
    for (const { k, r } of all) {
      const alone = await pool.detect(shared(k));
      expect(summary(r.detections)).toEqual(summary(alone.detections));
    }
    expect(all.some(({ r }) => r.detections.some((d) => d.classId === 0 && d.score >= 0.5))).toBe(true);
  });
});
