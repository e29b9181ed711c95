import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../config/loader.js';
import { detectorFromConfig } from './from-config.js';

const TRT_VARS = ['ORT_TENSORRT_ENGINE_CACHE_ENABLE', 'ORT_TENSORRT_CACHE_PATH', 'ORT_TENSORRT_FP16_ENABLE'];

describe('the detector the config asks for, on a box without a GPU', () => {
  afterEach(() => {
    for (const k of TRT_VARS) delete process.env[k];
  });

  it('provider cuda: refused, naming detector.provider and the missing library', async () => {
    const cfg = validateConfig({ detector: { provider: 'cuda', workers: 1 } });
    await expect(detectorFromConfig(cfg.detector)).rejects.toMatchObject({
      code: 'ERR_PROVIDER_UNAVAILABLE',
      message: expect.stringMatching(/^detector\.provider: execution provider "cuda" .*libonnxruntime_providers_cuda\.so/),
    });
  });

  it('provider tensorrt: the engine cache folder and FP16 are prepared before the (failing) session', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vantage-trt-')), 'engines');
    const cfg = validateConfig({ detector: { provider: 'tensorrt', workers: 1, tensorrt_cache_dir: dir, tensorrt_fp16: true, gpu_device: 1 } });
    await expect(detectorFromConfig(cfg.detector)).rejects.toMatchObject({ code: 'ERR_PROVIDER_UNAVAILABLE', message: expect.stringContaining('libonnxruntime_providers_tensorrt.so') });
    expect(existsSync(dir)).toBe(true);
    expect(process.env.ORT_TENSORRT_CACHE_PATH).toBe(dir);
    expect(process.env.ORT_TENSORRT_ENGINE_CACHE_ENABLE).toBe('1');
    expect(process.env.ORT_TENSORRT_FP16_ENABLE).toBe('1');
  });
});
