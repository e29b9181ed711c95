import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsService } from '../src/analytics/analytics-service.js';
import { engineSections } from '../src/analytics/engine-reports.js';
import { validateConfig } from '../src/config/loader.js';
import { letterbox } from '../src/detect/types.js';
import { EventBus } from '../src/events.js';
import { silentLogger } from '../src/logger.js';
import { FrameProcessor } from '../src/pipeline/frame-processor.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../src/store/database.js';
import { MEDIA, tempDir } from './helpers.js';
import { ReplayTracker, type ReplayFrame } from './replay-tracker.js';

/**
 * Queue acceptance on TUD-Stadtmitte (640×480, 25 fps): a hand-drawn queue zone on the right of the
 * walkway, its service line at the zone's right edge (people walking right leave the queue there).
 * The ground-truth tracks go through the frame processor (a replay tracker stands where ByteTrack
 * does) into the analytics service, a real SQLite file and a report; the served count and mean wait
 * of `analytics.queues` are checked against values computed by hand from gt.txt below.
 */
const W = 640;
const H = 480;
const FPS = 25;
const ZONE: Array<[number, number]> = [[0.65, 0.45], [0.875, 0.45], [0.875, 0.75], [0.65, 0.75]];
/** Vertical, top to bottom, at the zone's right edge. */
const LINE: [[number, number], [number, number]] = [[0.875, 0.4], [0.875, 0.8]];
const T0 = 1_764_633_600; // a UTC minute start, seconds

interface GtRow {
  frame: number;
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

function readGt(): GtRow[] {
  return readFileSync(resolve(MEDIA, 'TUD-Stadtmitte/gt.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number))
    .filter((v) => v[6] !== 0)
    .map(([frame, id, x, y, w, h]) => ({ frame: frame!, id: id!, x: x!, y: y!, w: w!, h: h! }));
}

/**
 * By hand: a person's foot point is the bottom-centre of their box. They JOIN at the first frame
 * their foot point is inside the zone (a rectangle: a plain comparison of x and y); they are SERVED
 * when, after joining, the foot point goes from left of the line's x to at or right of it between two
 * consecutive frames (within the line's y span); their WAIT is (that frame − the joining frame) / 25.
 */
function byHand(rows: GtRow[]): { served: number; meanWait: number; waits: Record<number, number> } {
  const tracks = new Map<number, GtRow[]>();
  for (const r of rows) (tracks.get(r.id) ?? tracks.set(r.id, []).get(r.id)!).push(r);
  const waits: Record<number, number> = {};
  for (const [id, list] of tracks) {
    list.sort((a, b) => a.frame - b.frame);
    let joined: number | undefined;
    let prevX: number | undefined;
    for (const r of list) {
      const fx = (r.x + r.w / 2) / W;
      const fy = (r.y + r.h) / H;
      if (joined === undefined && fx >= ZONE[0]![0] && fx <= ZONE[1]![0] && fy >= ZONE[0]![1] && fy <= ZONE[2]![1]) joined = r.frame;
      if (joined !== undefined && prevX !== undefined && prevX < LINE[0][0] && fx >= LINE[0][0] && fy >= LINE[0][1] && fy <= LINE[1][1]) {
        waits[id] = (r.frame - joined) / FPS;
        break;
      }
      prevX = fx;
    }
  }
  const w = Object.values(waits);
  return { served: w.length, meanWait: w.reduce((a, b) => a + b, 0) / w.length, waits };
}

describe('queues on TUD-Stadtmitte against its ground truth, by hand', () => {
  let store: OpenedDatabase;
  let queue: { served: number; abandoned: number; joined: number; mean_wait_seconds: number; max_length: number; intervals: unknown[] };
  let live: Record<string, { length: number; served: number }>;
  const hand = byHand(readGt());

  beforeAll(async () => {
    store = openDatabase(join(tempDir(), 'q.db'));
    await migrateToLatest(store.db);
    const cfg = validateConfig({
      cameras: [
        {
          id: 'stadtmitte',
          source: resolve(MEDIA, 'TUD-Stadtmitte/TUD-Stadtmitte.mp4'),
          zones: [{ id: 'queue', points: ZONE, queue: true, service_line: 'counter' }],
          lines: [{ id: 'counter', points: LINE }],
        },
      ],
    });
    const bus = new EventBus((e) => {
      throw e;
    });
    const analytics = new AnalyticsService(store.db, cfg.analytics, () => 'person', bus, silentLogger(), { now: () => T0 * 1000, monotonic: () => 0 });
    await analytics.setCameras(cfg.cameras);
    const frames = new Map<number, ReplayFrame>();
    for (const r of readGt()) {
      const timeMs = T0 * 1000 + ((r.frame - 1) * 1000) / FPS;
      const f = frames.get(r.frame) ?? frames.set(r.frame, { timeMs, tracks: [] }).get(r.frame)!;
      f.tracks.push({ id: r.id, box: { x1: r.x, y1: r.y, x2: r.x + r.w, y2: r.y + r.h } });
    }
    const ordered = [...frames.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
    const p = new FrameProcessor({ camera: 'stadtmitte', tracker: new ReplayTracker(ordered), countThreshold: 0.5, className: () => 'person', consumers: [analytics.consumer()] });
    const lb = letterbox(W, H, 64, 48);
    ordered.forEach((f, seq) => p.process({ cameraId: 'stadtmitte', seq, timeMs: f.timeMs, inferred: true, detections: [], inferenceMs: 0, latencyMs: 0, letterbox: lb, frame: new Uint8Array(64 * 48 * 3) }));
    live = analytics.liveSection('stadtmitte').analytics!.queues as typeof live;
    p.end();
    await analytics.stop();
    const report = await engineSections(store.db, { cameras: ['stadtmitte'], from: T0, to: T0 + 60, resolution: 60 });
    queue = (report.analytics!.queues as { queues: Array<typeof queue> }).queues[0]!;
  });
  afterAll(async () => {
    await store?.close();
  });

  it('serves as many as counted by hand, with the mean wait within 10%', () => {
    // By hand (see byHand): tracks 2, 4 and 5 walk right through the zone and cross the line.
    expect(Object.keys(hand.waits).map(Number).sort()).toEqual([2, 4, 5]);
    expect(hand.served).toBe(3);
    expect(Math.abs(queue.served - hand.served) / hand.served).toBeLessThanOrEqual(0.1);
    expect(Math.abs(queue.mean_wait_seconds - hand.meanWait) / hand.meanWait).toBeLessThanOrEqual(0.1);
    console.log(`queue served ${queue.served} (hand ${hand.served}), mean wait ${queue.mean_wait_seconds} s (hand ${hand.meanWait.toFixed(3)} s: ${JSON.stringify(hand.waits)})`);
  });

  it('counts the walkers going the other way as joined and abandoned, and shows the queue live', () => {
    expect(queue.joined).toBe(queue.served + queue.abandoned);
    expect(queue.abandoned).toBeGreaterThanOrEqual(1);
    expect(queue.max_length).toBeGreaterThanOrEqual(2);
    expect(queue.intervals.length).toBeGreaterThanOrEqual(1);
    expect(live.queue!.served).toBe(hand.served);
  });
});
