import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsService } from '../src/analytics/analytics-service.js';
import type { AreaLive } from '../src/analytics/area-occupancy.js';
import { engineSections } from '../src/analytics/engine-reports.js';
import { validateConfig } from '../src/config/loader.js';
import { letterbox } from '../src/detect/types.js';
import { EventBus } from '../src/events.js';
import { silentLogger } from '../src/logger.js';
import { FrameProcessor } from '../src/pipeline/frame-processor.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../src/store/database.js';
import { tempDir } from './helpers.js';
import { ReplayTracker, type ReplayFrame } from './replay-tracker.js';

/**
 * Occupancy acceptance: a shop day of synthetic track streams through the frame processor (a replay
 * tracker where ByteTrack stands) into the analytics service and a real SQLite file. The door camera
 * has an entry line across the doorway (a→b pointing right: walking down the picture is 'in') and a
 * zone beyond it. Each hour from 08:00 to 19:59 (New York time, UTC−5 in December): 6 people walk in,
 * 5 walk out, and a 6th leaves unseen (their track is lost before the line: a missed exit). The shop
 * closes at 21:00; the next morning two people come in.
 */
const W = 640;
const H = 480;
const FPS = 10;
/** 2026-12-01 08:00 in New York (13:00 UTC), unix seconds. */
const OPEN = Date.UTC(2026, 11, 1, 13, 0) / 1000;
const HOURS = 12;

/** A person walking straight down (or up) the picture from foot y0 to y1 over 3 s, starting at `t`. */
function walk(frames: Map<number, ReplayFrame>, id: number, t: number, x: number, y0: number, y1: number): void {
  const n = 3 * FPS;
  for (let i = 0; i <= n; i++) {
    const timeMs = Math.round((t + i / FPS) * 1000);
    const y = (y0 + ((y1 - y0) * i) / n) * H;
    const f = frames.get(timeMs) ?? frames.set(timeMs, { timeMs, tracks: [] }).get(timeMs)!;
    f.tracks.push({ id, box: { x1: x * W - 25, y1: y - 144, x2: x * W + 25, y2: y } });
  }
}

function quiet(frames: Map<number, ReplayFrame>, t: number): void {
  const timeMs = t * 1000;
  if (!frames.has(timeMs)) frames.set(timeMs, { timeMs, tracks: [] });
}

describe('a day of area occupancy with a missed exit every hour', () => {
  let store: OpenedDatabase;
  let analytics: AnalyticsService;
  const occupancy: Array<{ t: number; n: number }> = [];
  let afterClosing: AreaLive;
  let nextMorning: AreaLive;
  let report: { areas: Record<string, { entries: number; exits: number; peak: number; capacity: number; peak_percent: number; corrections: unknown[] }> };
  let id = 1;
  let cfg: ReturnType<typeof validateConfig>;
  const missed = { exits: 0 };
  const truth = { entries: 0, exits: 0 };

  beforeAll(async () => {
    store = openDatabase(join(tempDir(), 'o.db'));
    await migrateToLatest(store.db);
    cfg = validateConfig({
      analytics: {
        occupancy: {
          closing_time: '21:00',
          timezone: 'America/New_York',
          areas: [{ id: 'shop', name: 'Shop', capacity: 20, lines: [{ camera: 'door', line: 'door' }], inside: [{ camera: 'door', zone: 'floor' }] }],
        },
      },
      cameras: [
        {
          id: 'door',
          source: '/dev/null',
          lines: [{ id: 'door', points: [[0.1, 0.5], [0.9, 0.5]] }],
          zones: [{ id: 'floor', points: [[0.1, 0.6], [0.9, 0.6], [0.9, 0.95], [0.1, 0.95]], capacity: 10 }],
        },
      ],
    });
    const bus = new EventBus((e) => {
      throw e;
    });
    analytics = new AnalyticsService(store.db, cfg.analytics, () => 'person', bus, silentLogger(), { now: () => OPEN * 1000, monotonic: () => 0 });
    await analytics.setCameras(cfg.cameras);
    const frames = new Map<number, ReplayFrame>();
    for (let h = 0; h < HOURS; h++) {
      const hour = OPEN + h * 3600;
      // In: from above the line down past it, then out of view on the floor (the track ends).
      for (let k = 0; k < 6; k++, truth.entries++) walk(frames, id++, hour + (2 + 5 * k) * 60, 0.3 + 0.07 * k, 0.3, 0.8);
      // Out: from the floor up across the line.
      for (let k = 0; k < 5; k++, truth.exits++) walk(frames, id++, hour + (32 + 5 * k) * 60, 0.3 + 0.07 * k, 0.8, 0.3);
      // Out unseen: the track is lost before it reaches the line.
      walk(frames, id++, hour + 57 * 60, 0.5, 0.8, 0.6);
      truth.exits++;
      missed.exits++;
    }
    quiet(frames, OPEN + 13 * 3600 + 1800); // 21:30, after closing
    const tomorrow = OPEN + 86_400;
    walk(frames, id++, tomorrow + 60, 0.4, 0.3, 0.8);
    walk(frames, id++, tomorrow + 120, 0.6, 0.3, 0.8);
    quiet(frames, tomorrow + 600);

    const gauge = () => (analytics.liveSection('door').analytics!.occupancy as { areas: Record<string, AreaLive> }).areas.shop!;
    const ordered = [...frames.values()].sort((a, b) => a.timeMs - b.timeMs);
    const p = new FrameProcessor({
      camera: 'door',
      tracker: new ReplayTracker(ordered),
      countThreshold: 0.5,
      className: () => 'person',
      consumers: [analytics.consumer(), { frame: (f) => occupancy.push({ t: f.timeMs / 1000, n: gauge().occupancy }) }],
    });
    const lb = letterbox(W, H, 64, 48);
    const pixels = new Uint8Array(64 * 48 * 3);
    ordered.forEach((f, seq) => {
      p.process({ cameraId: 'door', seq, timeMs: f.timeMs, inferred: true, detections: [], inferenceMs: 0, latencyMs: 0, letterbox: lb, frame: pixels });
      if (f.timeMs === (OPEN + 13 * 3600 + 1800) * 1000) afterClosing = structuredClone(gauge());
    });
    nextMorning = structuredClone(gauge());
    p.end();
    await analytics.stop();
    const body = await engineSections(store.db, { cameras: ['door'], from: OPEN - 3600, to: OPEN + 2 * 86_400, resolution: 3600 }, { areas: cfg.analytics.occupancy.areas });
    report = body.analytics!.occupancy as typeof report;
  });
  afterAll(async () => {
    await store?.close();
  });

  it('is never negative, and holds in − out (the missed exits included) until closing', () => {
    expect(occupancy.length).toBeGreaterThan(HOURS * 12 * 3 * FPS);
    expect(Math.min(...occupancy.map((o) => o.n))).toBeGreaterThanOrEqual(0);
    const beforeClosing = occupancy.filter((o) => o.t < OPEN + 13 * 3600).at(-1)!;
    // 72 in, 60 counted out: 12 too many, one per missed exit.
    expect(beforeClosing.n).toBe(truth.entries - (truth.exits - missed.exits));
    expect(beforeClosing.n).toBe(missed.exits);
  });

  it('resets at closing (21:00 New York) and states the correction: the missed exits, removed', () => {
    expect(afterClosing.occupancy).toBe(0);
    expect(afterClosing.previous).toEqual({ day: '2026-12-01', entries: 72, exits: 60, added: 0, removed: missed.exits });
    expect(nextMorning.occupancy).toBe(2);
    expect(nextMorning.day).toBe('2026-12-02');
    expect(nextMorning).toMatchObject({ entries: 2, exits: 0, added: 0, removed: 0, capacity: 20, percent: 10 });
  });

  it('reports the day with its correction and reason from the stored rows', () => {
    const shop = report.areas.shop!;
    // The peak: the last hour starts with 11 left over from the missed exits, and 6 come in.
    expect(shop).toMatchObject({ entries: 74, exits: 60, peak: HOURS - 1 + 6, capacity: 20, peak_percent: 85 });
    expect(shop.corrections).toEqual([{ day: '2026-12-01', added: 0, removed: missed.exits, by_reason: { closing: { added: 0, removed: missed.exits } } }]);
  });
});
