import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraAnalytics } from '../src/analytics/camera-analytics.js';
import { HeatmapAccumulator, type HeatmapGrid } from '../src/analytics/heatmap.js';
import { validateConfig } from '../src/config/loader.js';
import { detectorFromConfig } from '../src/detect/from-config.js';
import type { FrameDetector } from '../src/detect/frame-detector.js';
import { parseMot } from '../src/eval/mot-format.js';
import { silentLogger } from '../src/logger.js';
import { analyzeFile } from '../src/pipeline/analyze-file.js';
import { CameraTracker } from '../src/track/camera-tracker.js';
import { trackerOptions } from '../src/track/options.js';
import type { TrackSnapshot } from '../src/track/types.js';
import { MEDIA, STADTMITTE } from './helpers.js';

/**
 * The zone/line logic on real footage: TUD-Stadtmitte through decode → detect → track → analytics,
 * against the ground-truth tracks of the same clip through the same analytics.
 */
const camera = validateConfig({
  cameras: [
    {
      id: 'stadtmitte',
      source: STADTMITTE,
      // A tripwire across the walkway, top to bottom, and a zone on its right half.
      lines: [{ id: 'walkway', points: [[0.65, 0.35], [0.65, 0.85]] }],
      zones: [{ id: 'right', points: [[0.55, 0.42], [0.95, 0.42], [0.95, 0.78], [0.55, 0.78]] }],
    },
  ],
}).cameras[0]!;

/** The zone rule of the default config (analytics.zone_*), as the daemon runs it. */
const DEFAULTS = validateConfig({});

interface Outcome {
  in: number;
  out: number;
  entries: number;
  exits: number;
  heatmap: HeatmapGrid;
}

function runAnalytics(frames: Array<{ t: number; tracks: TrackSnapshot[] }>): Outcome {
  const heat = new HeatmapAccumulator({ width: 32, height: 24 });
  const ca = new CameraAnalytics('stadtmitte', camera, DEFAULTS.analytics.hysteresis_frames, heat, () => 'person', undefined, { config: DEFAULTS.analytics });
  const o = { in: 0, out: 0, entries: 0, exits: 0 };
  const count = (events: ReturnType<CameraAnalytics['onFrame']>) => {
    for (const e of events) {
      if (e.type === 'line.cross') o[e.direction]++;
      if (e.type === 'zone.enter') o.entries++;
      if (e.type === 'zone.exit') o.exits++;
    }
  };
  for (const f of frames) count(ca.onFrame(f.tracks, f.t, 640, 480));
  count(ca.flush(frames.at(-1)!.t + 1));
  const grids = heat.drain().filter((d) => d.key.kind === 'presence');
  const heatmap = grids[0]!.grid;
  return { ...o, heatmap };
}

describe('zones, lines and heatmaps on TUD-Stadtmitte against its ground truth', () => {
  let det: FrameDetector;
  let ours: Outcome;
  let truth: Outcome;

  beforeAll(async () => {
    const cfg = validateConfig({});
    det = await detectorFromConfig(cfg.detector, { classes: ['person'] });
    const tracker = new CameraTracker(trackerOptions(cfg.tracker));
    const frames: Array<{ t: number; tracks: TrackSnapshot[] }> = [];
    await analyzeFile(STADTMITTE, det, {
      countThreshold: 0.5,
      log: silentLogger(),
      onFrame: (r) => frames.push({ t: r.timeMs / 1000, tracks: tracker.update(r).tracks }),
    });
    ours = runAnalytics(frames);

    const gt = parseMot(readFileSync(resolve(MEDIA, 'TUD-Stadtmitte/gt.txt'), 'utf8'));
    const byFrame = new Map<number, TrackSnapshot[]>();
    for (const row of gt) {
      if (!row.considered) continue;
      const list = byFrame.get(row.frame) ?? byFrame.set(row.frame, []).get(row.frame)!;
      list.push({ id: row.id, classId: 0, box: row.box, score: 1, state: 'tracked', firstSeen: 0, lastSeen: 0, hits: 1 });
    }
    truth = runAnalytics(Array.from({ length: 179 }, (_, i) => ({ t: i / 25, tracks: byFrame.get(i + 1) ?? [] })));
  });
  afterAll(async () => det?.close());

  it('counts the same line crossings per direction as the ground truth (±1)', () => {
    expect(truth.in + truth.out).toBeGreaterThanOrEqual(4); // the line really is on the walkway
    expect(Math.abs(ours.in - truth.in)).toBeLessThanOrEqual(1);
    expect(Math.abs(ours.out - truth.out)).toBeLessThanOrEqual(1);
  });

  it('counts the same zone entries and exits as the ground truth (±1)', () => {
    expect(truth.entries).toBeGreaterThanOrEqual(4);
    expect(Math.abs(ours.entries - truth.entries)).toBeLessThanOrEqual(1);
    expect(Math.abs(ours.exits - truth.exits)).toBeLessThanOrEqual(1);
  });

  it('puts the hottest heatmap cells on the walkway, where the ground truth has people', () => {
    const cells = Array.from(ours.heatmap.values.entries()).sort((a, b) => b[1] - a[1]).slice(0, 10);
    for (const [i, v] of cells) {
      expect(v).toBeGreaterThan(0);
      const y = Math.floor(i / ours.heatmap.width) / ours.heatmap.height;
      expect(y).toBeGreaterThanOrEqual(0.4); // the walkway: feet between 40% and 80% of the height
      expect(y).toBeLessThanOrEqual(0.8);
      // …and somebody of the ground truth stood there (in the cell or one next to it).
      const cx = i % ours.heatmap.width;
      const cy = Math.floor(i / ours.heatmap.width);
      let near = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) near += truth.heatmap.values[(cy + dy) * ours.heatmap.width + cx + dx] ?? 0;
      expect(near).toBeGreaterThan(0);
    }
  });
});
