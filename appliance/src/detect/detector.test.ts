import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MANIFEST, PACKAGE_ROOT } from '../config/paths.js';
import { iou } from '../math/box.js';
import { Detector } from './detector.js';
import { DetectorPool } from './detector-pool.js';
import { letterboxImage } from './image.js';

const COCO = resolve(PACKAGE_ROOT, 'appliance/test/fixtures/coco');
const images = readdirSync(COCO).filter((f) => f.endsWith('.jpg'));

describe('Detector (YOLOX-Nano, CPU) on COCO images', () => {
  let det: Detector;
  beforeAll(async () => {
    det = await Detector.create({ manifestPath: DEFAULT_MODEL_MANIFEST, provider: 'cpu', threads: 2, scoreThreshold: 0.3, classes: [] });
  });
  afterAll(async () => det?.close());

  it('loads the manifest: 80 COCO classes, 416x416 BGR input', () => {
    expect(det.manifest.classes).toHaveLength(80);
    expect(det.className(0)).toBe('person');
    expect(det.className(2)).toBe('car');
    expect([det.inputWidth, det.inputHeight, det.manifest.input.colorOrder]).toEqual([416, 416, 'BGR']);
  });

  it.each(images)('%s: finds people, boxes inside the image, NMS leaves no overlapping person pair', async (name) => {
    const img = await letterboxImage(resolve(COCO, name), det.inputWidth, det.inputHeight, 114);
    const { detections, inferenceMs } = await det.detect({ frame: img.pixels, letterbox: img.letterbox });
    const people = detections.filter((d) => d.classId === 0 && d.score >= 0.5);
    expect(people.length).toBeGreaterThanOrEqual(2);
    expect(inferenceMs).toBeGreaterThan(0);
    for (const d of detections) {
      expect(d.box.x1).toBeGreaterThanOrEqual(0);
      expect(d.box.y1).toBeGreaterThanOrEqual(0);
      expect(d.box.x2).toBeLessThanOrEqual(img.letterbox.srcWidth);
      expect(d.box.y2).toBeLessThanOrEqual(img.letterbox.srcHeight);
      expect(d.box.x2).toBeGreaterThan(d.box.x1);
      expect(d.box.y2).toBeGreaterThan(d.box.y1);
      expect(d.score).toBeGreaterThanOrEqual(0.3);
      expect(d.score).toBeLessThanOrEqual(1);
    }
    const persons = detections.filter((d) => d.classId === 0);
    for (let i = 0; i < persons.length; i++) {
      for (let j = i + 1; j < persons.length; j++) {
        expect(iou(persons[i]!.box, persons[j]!.box)).toBeLessThanOrEqual(0.45);
      }
    }
  });

  it('keeps only the configured classes', async () => {
    const only = await Detector.create({ manifestPath: DEFAULT_MODEL_MANIFEST, provider: 'cpu', threads: 1, scoreThreshold: 0.3, classes: ['car'] });
    try {
      const img = await letterboxImage(resolve(COCO, images[0]!), only.inputWidth, only.inputHeight, 114);
      const { detections } = await only.detect({ frame: img.pixels, letterbox: img.letterbox });
      expect(detections.every((d) => d.classId === 2)).toBe(true);
    } finally {
      await only.close();
    }
  });

  it('names the missing library when a GPU provider is asked for on a CPU-only build', async () => {
    await expect(
      Detector.create({ manifestPath: DEFAULT_MODEL_MANIFEST, provider: 'cuda', threads: 1, scoreThreshold: 0.3, classes: [] }),
    ).rejects.toMatchObject({ code: 'ERR_PROVIDER_UNAVAILABLE', message: expect.stringContaining('libonnxruntime_providers_cuda.so') });
  });

  it('rejects an unknown class name with the key and the name', async () => {
    await expect(
      Detector.create({ manifestPath: DEFAULT_MODEL_MANIFEST, provider: 'cpu', threads: 1, scoreThreshold: 0.3, classes: ['unicorn'] }),
    ).rejects.toThrow(/detector\.classes: unknown class "unicorn"/);
  });
});

describe('DetectorPool (worker threads, frames read from shared memory)', () => {
  it('gives the same detections as the inline detector, and runs frames side by side', async () => {
    const opts = { manifestPath: DEFAULT_MODEL_MANIFEST, provider: 'cpu' as const, threads: 1, scoreThreshold: 0.3, classes: [] };
    const inline = await Detector.create(opts);
    const pool = await DetectorPool.create({ ...opts, workers: 2 });
    try {
      expect(pool.concurrency).toBe(4); // 2 workers, each with a frame queued behind the one it works on
      const img = await letterboxImage(resolve(COCO, images[0]!), 416, 416, 114);
      // The frame lives in shared memory, like a ring slot: the workers read it in place.
      const shared = new Uint8Array(new SharedArrayBuffer(img.pixels.length));
      shared.set(img.pixels);
      const job = { frame: shared, letterbox: img.letterbox };
      const [a, b, c] = await Promise.all([pool.detect(job), pool.detect(job), inline.detect(job)]);
      expect(a.detections).toEqual(c.detections);
      expect(b.detections).toEqual(c.detections);
      expect(a.detections.length).toBeGreaterThan(0);
    } finally {
      await pool.close();
      await inline.close();
    }
  });

  it('reports a worker start-up failure with its code and message', async () => {
    await expect(
      DetectorPool.create({ manifestPath: DEFAULT_MODEL_MANIFEST, provider: 'cpu', threads: 1, scoreThreshold: 0.3, classes: ['unicorn'], workers: 1 }),
    ).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID', message: expect.stringContaining('unicorn') });
  });
});
