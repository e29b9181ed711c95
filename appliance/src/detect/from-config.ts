import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DetectorConfig } from '../config/schema.js';
import { isVantageError, VantageError } from '../errors.js';
import { DetectorPool } from './detector-pool.js';
import type { FrameDetector } from './frame-detector.js';
import { tensorRtEnvironment } from './onnx-session.js';
import { parseSize, type InputRequest } from './input-plan.js';

/** detector.input and detector.input_pixels as an input request. */
export function inputRequest(d: Pick<DetectorConfig, 'input' | 'input_pixels'>): InputRequest {
  const size = d.input === 'auto' ? 'auto' : parseSize(d.input);
  if (!size) throw new VantageError('ERR_CONFIG_INVALID', `detector.input: "${d.input}" is not auto or WIDTHxHEIGHT`, { field: 'detector.input' });
  return { size, pixels: d.input_pixels };
}

/**
 * Builds the detector the config describes; `classes` overrides detector.classes when given. A model
 * that cannot be loaded (a corrupt ONNX file, a manifest that does not fit it) is reported against
 * the key that chose it, `detector.model`.
 */
export async function detectorFromConfig(
  d: DetectorConfig,
  opts: { classes?: readonly string[]; model?: string; input?: InputRequest; field?: string } = {},
): Promise<FrameDetector> {
  const field = opts.field ?? 'detector.model';
  if (d.provider === 'tensorrt') {
    // Read by the TensorRT provider itself (in every worker), so set in this process before any session exists.
    const cacheDir = d.tensorrt_cache_dir ? resolve(d.tensorrt_cache_dir) : undefined;
    if (cacheDir) mkdirSync(cacheDir, { recursive: true });
    Object.assign(process.env, tensorRtEnvironment({ ...(cacheDir ? { cacheDir } : {}), fp16: d.tensorrt_fp16 }, process.env));
  }
  try {
    return await DetectorPool.create({
      manifestPath: opts.model ?? d.model!,
      input: opts.input ?? inputRequest(d),
      provider: d.provider,
      threads: d.threads,
      deviceId: d.gpu_device,
      workers: d.workers,
      maxBatch: d.max_batch,
      scoreThreshold: d.score_threshold,
      classes: opts.classes ?? d.classes,
      ...(d.nms_iou !== undefined ? { nmsIou: d.nms_iou } : {}),
    });
  } catch (e) {
    if (isVantageError(e) && (e.code === 'ERR_MODEL_INVALID' || e.code === 'ERR_MODEL_NOT_FOUND')) {
      throw new VantageError(e.code, `${field}: ${e.message}`, { cause: e, field });
    }
    if (isVantageError(e) && e.code === 'ERR_PROVIDER_UNAVAILABLE') {
      throw new VantageError(e.code, `detector.provider: ${e.message}`, { cause: e, field: 'detector.provider' });
    }
    throw e;
  }
}
