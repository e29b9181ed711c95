import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Detector } from '../src/detect/detector.js';
import { buildDecodeArgs, spawnDecoder } from '../src/sources/ffmpeg.js';
import type { Letterbox } from '../src/detect/types.js';
import { ROOT } from './helpers.js';

/**
 * Each decoder of the registry against detections made independently (scripts/reference/
 * decoder-reference.py: the same ffmpeg frame, numpy pre-processing, onnxruntime, and a numpy
 * re-implementation of each model's documented post-processing and NMS).
 */
interface Ref {
  image: string;
  min_score: number;
  models: Array<{ manifest: string; input: [number, number]; content: [number, number]; frame_sha256: string; detections: Array<{ box: number[]; score: number; classId: number }> }>;
}
const ref = JSON.parse(readFileSync(resolve(ROOT, 'appliance/test/fixtures/decoder-reference.json'), 'utf8')) as Ref;

/** The frame the appliance's own decoder makes of the image for this plan. */
async function decodeFrame(lb: Letterbox, padValue: number): Promise<Buffer> {
  const args = buildDecodeArgs({ url: resolve(ROOT, ref.image), loop: false, realtime: false, rtspTransport: 'tcp' }, lb, padValue);
  const proc = spawnDecoder(args);
  proc.stderr.resume();
  const chunks: Buffer[] = [];
  for await (const c of proc.stdout) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe.each(ref.models)('decoder of $manifest against the reference on a COCO image', (model) => {
  it('same input plan and frame, then every box within 1 px and every score within 1e-3', async () => {
    const det = await Detector.create({ manifestPath: resolve(ROOT, model.manifest), provider: 'cpu', threads: 1, scoreThreshold: ref.min_score, classes: [] });
    try {
      const lb = det.plan(640, 480);
      expect([lb.inputWidth, lb.inputHeight]).toEqual(model.input);
      expect([lb.width, lb.height]).toEqual(model.content);
      const frame = await decodeFrame(lb, det.manifest.input.letterbox.padValue);
      expect(createHash('sha256').update(frame).digest('hex')).toBe(model.frame_sha256);
      const { detections } = await det.detect({ frame: new Uint8Array(frame), letterbox: lb });
      expect(model.detections.length).toBeGreaterThanOrEqual(5);
      expect(detections).toHaveLength(model.detections.length);
      // Both lists are sorted by score; pair them in that order.
      detections.forEach((d, i) => {
        const r = model.detections[i]!;
        expect(d.classId).toBe(r.classId);
        expect(Math.abs(d.score - r.score)).toBeLessThanOrEqual(1e-3);
        const box = [d.box.x1, d.box.y1, d.box.x2, d.box.y2];
        box.forEach((v, k) => expect(Math.abs(v - r.box[k]!)).toBeLessThanOrEqual(1));
      });
    } finally {
      await det.close();
    }
  });
});
