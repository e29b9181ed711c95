import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MANIFEST } from '../src/config/paths.js';
import { Detector, type DetectorOptions } from '../src/detect/detector.js';
import { DetectorPool } from '../src/detect/detector-pool.js';
import type { DetectResult } from '../src/detect/frame-detector.js';
import type { Detection } from '../src/detect/types.js';
import { testFrames, type TestFrame } from './frames.js';
import { ROOT, tempDir } from './helpers.js';

const BATCH_MANIFEST = resolve(ROOT, 'models/yolox-nano/manifest-batch.json');
const base = { provider: 'cpu' as const, threads: 1, scoreThreshold: 0.1, classes: [] } satisfies Partial<DetectorOptions>;

const order = (a: Detection, b: Detection) => a.classId - b.classId || a.box.x1 - b.box.x1 || a.box.y1 - b.box.y1;

/** Same objects: classes equal, boxes within 0.01 px, scores within 1e-4. */
function expectSame(actual: Detection[], expected: Detection[]): void {
  expect(actual.length).toBe(expected.length);
  const a = [...actual].sort(order);
  const e = [...expected].sort(order);
  a.forEach((d, i) => {
    const want = e[i]!;
    expect(d.classId).toBe(want.classId);
    expect(Math.abs(d.score - want.score)).toBeLessThanOrEqual(1e-4);
    for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(Math.abs(d.box[k] - want.box[k])).toBeLessThanOrEqual(0.01);
  });
}

/** A copy of the frame in shared memory, like a camera ring slot. */
function shared(f: TestFrame): { frame: Uint8Array; letterbox: TestFrame['letterbox'] } {
  const s = new Uint8Array(new SharedArrayBuffer(f.pixels.length));
  s.set(f.pixels);
  return { frame: s, letterbox: f.letterbox };
}

describe('frames of several cameras batched into one session run', () => {
  let frames: TestFrame[];
  /** Each frame run alone through the bundled fixed-batch model. */
  let reference: Detection[][];

  beforeAll(async () => {
    frames = await testFrames();
    const single = await Detector.create({ ...base, manifestPath: DEFAULT_MODEL_MANIFEST });
    try {
      reference = [];
      for (const f of frames) reference.push((await single.detect({ frame: f.pixels, letterbox: f.letterbox })).detections);
      expect(single.runs).toBe(frames.length);
    } finally {
      await single.close();
    }
    // Real pictures with people in them: a comparison of empty lists would prove nothing.
    for (const r of reference) expect(r.filter((d) => d.classId === 0 && d.score >= 0.5).length).toBeGreaterThan(0);
  });

  describe('Detector (one session) with the dynamic-batch model', () => {
    let det: Detector;
    beforeAll(async () => {
      det = await Detector.create({ ...base, manifestPath: BATCH_MANIFEST, maxBatch: 4 });
    });
    afterAll(async () => det?.close());

    it('runs 4 different frames (different letterboxes) in one run, each with the detections it gets alone', async () => {
      expect([det.maxBatch, det.concurrency]).toEqual([4, 8]);
      const runs = det.runs;
      const results = await Promise.all(det.detectMany(frames.slice(0, 4).map((f) => ({ frame: f.pixels, letterbox: f.letterbox }))));
      expect(det.runs - runs).toBe(1);
      results.forEach((r, i) => {
        expect(r.batch).toBe(4);
        expectSame(r.detections, reference[i]!);
      });
    });

    it('never waits to fill a batch: the first frame runs alone, the ones that arrived meanwhile run together', async () => {
      const runs = det.runs;
      const results = await Promise.all(frames.map((f) => det.detect({ frame: f.pixels, letterbox: f.letterbox })));
      expect(results.map((r) => r.batch)).toEqual([1, 4, 4, 4, 4]);
      expect(det.runs - runs).toBe(2);
      results.forEach((r, i) => expectSame(r.detections, reference[i]!));
    });

    it('a frame that cannot be converted fails alone; the rest of its batch is detected', async () => {
      const [a, bad, c] = det.detectMany([
        { frame: frames[2]!.pixels, letterbox: frames[2]!.letterbox },
        { frame: new Uint8Array(100), letterbox: frames[0]!.letterbox },
        { frame: frames[3]!.pixels, letterbox: frames[3]!.letterbox },
      ]);
      await expect(bad).rejects.toThrow(/frame has 100 bytes/);
      const [ra, rc] = await Promise.all([a!, c!]);
      expect([ra.batch, rc.batch]).toEqual([2, 2]);
      expectSame(ra.detections, reference[2]!);
      expectSame(rc.detections, reference[3]!);
    });

    it('measures inference alone at a given batch size, and refuses one above maxBatch', async () => {
      expect(await det.inferenceOnlyFps(4, 2, 0)).toBeGreaterThan(0);
      await expect(det.inferenceOnlyFps(4, 5)).rejects.toThrow(/batch 5: this detector runs 1 to 4 frames at once/);
    });
  });

  it('a model with a fixed batch of 1 never batches, whatever max_batch asks', async () => {
    const det = await Detector.create({ ...base, manifestPath: DEFAULT_MODEL_MANIFEST, maxBatch: 4 });
    try {
      expect([det.maxBatch, det.concurrency]).toEqual([1, 1]);
      const results = await Promise.all(frames.slice(0, 3).map((f) => det.detect({ frame: f.pixels, letterbox: f.letterbox })));
      expect(results.map((r) => r.batch)).toEqual([1, 1, 1]);
      expect(det.runs).toBe(3);
      await expect(det.inferenceOnlyFps(2, 2)).rejects.toThrow(/runs 1 to 1 frames.*input\.batch 1/);
    } finally {
      await det.close();
    }
  });

  it('refuses a manifest that claims a dynamic batch for a model whose batch is fixed', async () => {
    const manifest = join(tempDir('vantage-manifest-'), 'manifest.json');
    const original = JSON.parse(readFileSync(DEFAULT_MODEL_MANIFEST, 'utf8')) as Record<string, unknown> & { input: Record<string, unknown> };
    const dir = resolve(DEFAULT_MODEL_MANIFEST, '..');
    writeFileSync(manifest, JSON.stringify({ ...original, file: join(dir, 'yolox_nano.onnx'), labels: join(dir, 'coco_labels.txt'), licenseFile: undefined, input: { ...original.input, batch: 'dynamic' } }));
    await expect(Detector.create({ ...base, manifestPath: manifest, maxBatch: 4 })).rejects.toMatchObject({
      code: 'ERR_MODEL_INVALID',
      message: expect.stringMatching(/has a fixed batch of 1 in input "images", its manifest says input\.batch "dynamic"/),
    });
  });

  describe('DetectorPool (2 workers)', () => {
    it('hands a worker the jobs already waiting as one batch: fewer session runs than frames, same detections', async () => {
      const pool = (await DetectorPool.create({ ...base, manifestPath: BATCH_MANIFEST, maxBatch: 4, workers: 2 })) as DetectorPool;
      try {
        expect([pool.maxBatch, pool.concurrency]).toEqual([4, 16]);
        // 15 frames arrive at once (three rounds of five cameras): the first go to the idle workers, the rest wait and are batched.
        const jobs = [0, 1, 2].flatMap(() => frames.map((f, i) => ({ i, job: shared(f) })));
        const results = await Promise.all(jobs.map(({ job }) => pool.detect(job)));
        expect(pool.stats.frames).toBe(15);
        expect(pool.stats.batches).toBeLessThan(15);
        expect(results.some((r) => (r.batch ?? 1) > 1)).toBe(true);
        expect(results.every((r) => (r.batch ?? 1) <= 4)).toBe(true);
        // Each run reports its size on every one of its frames: the runs the workers made are the batches the pool sent.
        expect(Math.round(results.reduce((n, r) => n + 1 / r.batch!, 0))).toBe(pool.stats.batches);
        results.forEach((r: DetectResult, k) => expectSame(r.detections, reference[jobs[k]!.i]!));
        // A lone frame is not held back for company.
        const lone = await pool.detect(shared(frames[0]!));
        expect(lone.batch).toBe(1);
        expect(await pool.inferenceOnlyFps(8, 2)).toBeGreaterThan(0);
        await expect(pool.inferenceOnlyFps(8, 8)).rejects.toThrow(/batch 8/);
      } finally {
        await pool.close();
      }
    });

    it('with a fixed-batch-1 model every frame is its own run', async () => {
      const pool = (await DetectorPool.create({ ...base, manifestPath: DEFAULT_MODEL_MANIFEST, maxBatch: 4, workers: 2 })) as DetectorPool;
      try {
        expect([pool.maxBatch, pool.concurrency]).toEqual([1, 4]);
        const results = await Promise.all([...frames, ...frames].map((f) => pool.detect(shared(f))));
        expect(pool.stats).toEqual({ frames: 10, batches: 10 });
        expect(results.every((r) => r.batch === 1)).toBe(true);
        results.forEach((r, k) => expectSame(r.detections, reference[k % frames.length]!));
      } finally {
        await pool.close();
      }
    });
  });
});
