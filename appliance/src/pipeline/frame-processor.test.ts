import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalyticsService } from '../analytics/analytics-service.js';
import { validateConfig } from '../config/loader.js';
import { letterbox } from '../detect/types.js';
import { EventBus, type ApplianceEvent } from '../events.js';
import { silentLogger } from '../logger.js';
import { Metrics } from '../metrics.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../store/database.js';
import { DetectionCounts } from '../store/detection-counts.js';
import { TrackStore } from '../store/track-store.js';
import { CameraTracker } from '../track/camera-tracker.js';
import { DEFAULT_TRACKER_OPTIONS } from '../track/types.js';
import type { FrameResult } from './camera-pipeline.js';
import { busConsumer, detectionCounter, metricsConsumer, trackRecorder } from './frame-consumers.js';
import { countByClass, FrameProcessor, type FrameConsumer } from './frame-processor.js';

const CLASSES = ['person', 'car'];
const className = (id: number) => CLASSES[id] ?? String(id);
const LB = letterbox(640, 480, 64, 48);
const FRAME = new Uint8Array(64 * 48 * 3);
/** Wall time of the first frame: the start of a UTC minute, so per-second rows are easy to name. */
const T0 = 1_700_000_040_000;

/** A detector result with a person walking left → right across the frame, 10 px a frame (and a low-score car). */
function result(seq: number, opts: { inferred?: boolean } = {}): FrameResult {
  const x = 20 + seq * 10;
  const inferred = opts.inferred ?? true;
  return {
    cameraId: 'cam',
    seq,
    timeMs: T0 + seq * 100,
    inferred,
    detections: inferred
      ? [
          { box: { x1: x, y1: 200, x2: x + 60, y2: 400 }, score: 0.9, classId: 0 },
          { box: { x1: 500, y1: 50, x2: 600, y2: 120 }, score: 0.3, classId: 1 },
        ]
      : [],
    inferenceMs: 12,
    latencyMs: 30,
    letterbox: LB,
    frame: FRAME,
  };
}

describe('FrameProcessor', () => {
  let store: OpenedDatabase | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('counts detections per class at the threshold, once', () => {
    const c = countByClass(result(0).detections, 0.5, className);
    expect([...c]).toEqual([[0, { name: 'person', count: 1 }]]);
    expect([...countByClass(result(0).detections, 0.2, className)]).toEqual([
      [0, { name: 'person', count: 1 }],
      [1, { name: 'car', count: 1 }],
    ]);
  });

  it('hands track events and frames to consumers in list order, and ends open tracks', () => {
    const calls: string[] = [];
    const spy = (name: string): FrameConsumer => ({
      trackEvent: (_cam, e) => calls.push(`${name}:${e.type}#${e.track.id}`),
      frame: (f) => calls.push(`${name}:frame${f.result.seq}:${f.tracks.length}`),
    });
    let id = 100;
    const p = new FrameProcessor({ camera: 'cam', tracker: new CameraTracker(DEFAULT_TRACKER_OPTIONS, () => id++), countThreshold: 0.5, className, consumers: [spy('a'), spy('b')] });
    for (let i = 0; i < 3; i++) p.process(result(i));
    // The tracker's first frame confirms at once; a track's events come before the frame that made them.
    expect(calls).toEqual(['a:track.new#100', 'b:track.new#100', 'a:frame0:1', 'b:frame0:1', 'a:frame1:1', 'b:frame1:1', 'a:frame2:1', 'b:frame2:1']);
    calls.length = 0;
    p.end();
    expect(calls).toEqual(['a:track.end#100', 'b:track.end#100']);
    expect(p.lastTimeMs).toBe(T0 + 200);
  });

  it('shifts frame time by its base and carries no counts on frames the detector skipped', () => {
    const seen: Array<{ t: number; counts: number | undefined }> = [];
    const p = new FrameProcessor({ camera: 's', countThreshold: 0.5, className, baseMs: 5000, consumers: [{ frame: (f) => seen.push({ t: f.timeMs, counts: f.counts?.size }) }] });
    p.process({ ...result(0), timeMs: 40 });
    p.process({ ...result(1, { inferred: false }), timeMs: 80 });
    expect(seen).toEqual([
      { t: 5040, counts: 1 },
      { t: 5080, counts: undefined },
    ]);
  });

  it('runs the live consumer list into a real SQLite file, the bus and the metrics', async () => {
    store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-fp-')), 'v.db'));
    await migrateToLatest(store.db);
    const cfg = validateConfig({ cameras: [] });
    const bus = new EventBus((e) => {
      throw e;
    });
    const events: ApplianceEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const analytics = new AnalyticsService(store.db, cfg.analytics, className, bus, silentLogger(), { now: () => T0, monotonic: () => 0 });
    // A zone over the right half of the frame.
    await analytics.attachSession('cam', { zones: [{ id: 'right', points: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] }], lines: [] });
    const trackStore = new TrackStore(store.db);
    const counts = new DetectionCounts(store.db);
    const metrics = new Metrics();
    let id = 1;
    const p = new FrameProcessor({
      camera: 'cam',
      tracker: new CameraTracker(DEFAULT_TRACKER_OPTIONS, () => id++),
      countThreshold: 0.5,
      className,
      consumers: [busConsumer(bus, { trackUpdates: true }), metricsConsumer(metrics, className, { frames: true }), analytics.consumer(), trackRecorder(trackStore, className), detectionCounter(counts)],
    });
    for (let i = 0; i < 40; i++) p.process(result(i));
    p.end();
    await analytics.detachSession('cam', p.lastTimeMs);
    await p.flush();
    await counts.flush();

    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'track.update')).toHaveLength(40);
    expect(types.filter((t) => t === 'track.new')).toEqual(['track.new']);
    expect(types).toContain('zone.enter');
    expect(types.indexOf('track.end')).toBeGreaterThan(types.indexOf('zone.enter'));

    const tracks = await store.db.selectFrom('tracks').selectAll().execute();
    expect(tracks.map((t) => [t.camera_id, t.track_id, t.class_name, t.first_seen])).toEqual([['cam', 1, 'person', T0]]);
    const seconds = await store.db.selectFrom('detection_seconds').select(['ts', 'class_name', 'frames', 'detections']).orderBy('ts').execute();
    expect(seconds).toEqual([0, 1, 2, 3].map((s) => ({ ts: T0 / 1000 + s, class_name: 'person', frames: 10, detections: 10 })));
    const zoneEvents = await store.db.selectFrom('events').select(['type', 'target', 'track_id']).where('camera_id', '=', 'cam').orderBy('id').execute();
    expect(zoneEvents[0]).toEqual({ type: 'zone.enter', target: 'right', track_id: 1 });
    const text = await metrics.text();
    expect(text).toContain('vantage_frames_inferred_total{camera="cam"} 40');
    expect(text).toContain('vantage_detections_total{camera="cam",class="person"} 40');
    expect(text).toContain('vantage_tracks_total{camera="cam",class="person"} 1');
  });
});
