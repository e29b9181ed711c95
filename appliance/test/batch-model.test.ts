import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MANIFEST } from '../src/config/paths.js';
import { loadManifest, type ModelManifest } from '../src/detect/manifest.js';
import { createSession, type InferenceRunner } from '../src/detect/onnx-session.js';
import { planarToTensor } from '../src/detect/preprocess.js';
import { testFrames } from './frames.js';
import { ROOT, tempDir } from './helpers.js';

const BATCH_MANIFEST = resolve(ROOT, 'models/yolox-nano/manifest-batch.json');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('the batch-capable YOLOX-Nano (models/yolox-nano/yolox_nano_batch.onnx)', () => {
  it('is exactly what scripts/batch-model.mjs makes from the bundled model, and its manifest has its sha256', () => {
    const out = join(tempDir('vantage-batch-model-'), 'yolox_nano_batch.onnx');
    const r = spawnSync(process.execPath, [resolve(ROOT, 'scripts/batch-model.mjs'), '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { sha256: string; in_sha256: string; shapes: number; reshapes: number };
    const manifest = loadManifest(BATCH_MANIFEST);
    // Made from the original export (the bundled default is generated from it too, with a dynamic size).
    expect(report.in_sha256).toBe(loadManifest(resolve(ROOT, 'models/yolox-nano/manifest.json')).sha256);
    expect(report).toMatchObject({ sha256: manifest.sha256, shapes: 370, reshapes: 3 });
    expect(sha256(readFileSync(out))).toBe(manifest.sha256);
    expect(sha256(readFileSync(manifest.modelPath))).toBe(manifest.sha256);
    expect(manifest.input.batch).toBe('dynamic');
  });

  describe('gives each image of a batch the output the original gives it alone', () => {
    let single: InferenceRunner;
    let batched: InferenceRunner;
    let m: ModelManifest;
    beforeAll(async () => {
      m = loadManifest(BATCH_MANIFEST);
      const opts = { provider: 'cpu' as const, threads: 1 };
      single = await createSession(loadManifest(DEFAULT_MODEL_MANIFEST).modelPath, 'images', [1, 3, 416, 416], 'output', opts);
      batched = await createSession(m.modelPath, 'images', [4, 3, 416, 416], 'output', opts);
    });
    afterAll(async () => {
      await single?.release();
      await batched?.release();
    });

    it('declares its input batch as symbolic, the original as a fixed 1', () => {
      expect(batched.modelBatch).toBe('dynamic');
      expect(single.modelBatch).toBe(1);
    });

    it.each([4, 3, 1])('a batch of %i real frames', async (n) => {
      const frames = (await testFrames()).slice(0, n);
      const image = 3 * 416 * 416;
      const input = new Float32Array(4 * image);
      frames.forEach((f, i) => planarToTensor(f.pixels, input.subarray(i * image, (i + 1) * image), 416, 416, m.input));
      const out = (await batched.run(input, n)).slice();
      const per = out.length / n;
      expect(per).toBe(3549 * 85);
      let maxDiff = 0;
      for (let i = 0; i < n; i++) {
        const alone = await single.run(input.slice(i * image, (i + 1) * image));
        for (let j = 0; j < per; j++) maxDiff = Math.max(maxDiff, Math.abs(alone[j]! - out[i * per + j]!));
      }
      expect(maxDiff).toBeLessThan(1e-4);
    });
  });
});
