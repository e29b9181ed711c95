/** The one place onnxruntime-node is imported: an inference session behind our own small interface. */
import * as ort from 'onnxruntime-node';
import { VantageError } from '../errors.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt';

export interface SessionOptions {
  provider: ExecutionProvider;
  threads: number;
  /** The GPU for cuda and tensorrt (0 = the first). */
  deviceId?: number;
}

export interface InferenceRunner {
  readonly provider: ExecutionProvider;
  /**
   * The input's batch dimension as the model file declares it: a fixed count, 'dynamic' (symbolic),
   * or undefined where the runtime does not say.
   */
  readonly modelBatch: number | 'dynamic' | undefined;
  /** The input's height and width are symbolic in the model file (it runs at other sizes). */
  readonly dynamicSize: boolean;
  /**
   * Runs the model on `input` (NCHW float32, reused by the caller) and returns the first output's data.
   * `batch` (default: the first of the session's input dims) images are taken from the start of
   * `input`; fewer than that dimension only for a model with a dynamic batch.
   */
  run(input: Float32Array, batch?: number): Promise<Float32Array>;
  /**
   * As run(), returning every output the session was created for, in that order; `size` (default:
   * the session's input dims) is the images' height and width, another only for a dynamic-size model.
   */
  runOutputs(input: Float32Array, batch?: number, size?: { width: number; height: number }): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/**
 * What a GPU provider needs and how to get it, for an error that names what is missing. The npm
 * package ships GPU providers for linux/x64 only (downloaded when installed with
 * ONNXRUNTIME_NODE_INSTALL=cuda12); on arm64 (Jetson) onnxruntime must be built with CUDA/TensorRT.
 */
export function providerHint(provider: Exclude<ExecutionProvider, 'cpu'>, platform: string = process.platform, arch: string = process.arch): string {
  const lib = `libonnxruntime_providers_${provider}.so`;
  const needs = provider === 'tensorrt' ? 'CUDA 12, cuDNN 9 and TensorRT 10' : 'CUDA 12 and cuDNN 9';
  if (platform === 'linux' && arch === 'x64') return `${lib} (reinstall with \`ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci\`; the box needs ${needs})`;
  if (platform === 'linux' && arch === 'arm64') {
    return `${lib}: the npm onnxruntime-node has no GPU providers for linux/arm64 (Jetson); build onnxruntime with --use_cuda${provider === 'tensorrt' ? ' --use_tensorrt' : ''} --build_nodejs against JetPack's ${needs} and install that build, or use provider: cpu`;
  }
  return `${lib}: onnxruntime-node ships GPU providers for linux/x64 only (this is ${platform}/${arch})`;
}

/** The providers a session is created with, in order of preference: the GPU first, the CPU for what it cannot run. */
export function executionProviders(provider: ExecutionProvider, deviceId = 0): ort.InferenceSession.ExecutionProviderConfig[] {
  switch (provider) {
    case 'cpu':
      return ['cpu'];
    case 'cuda':
      return [{ name: 'cuda', deviceId }, 'cpu'];
    case 'tensorrt':
      return [{ name: 'tensorrt', deviceId }, { name: 'cuda', deviceId }, 'cpu'];
  }
}

export interface TensorRtOptions {
  /** Where built engines are kept, so a restart does not rebuild them (minutes on a Jetson). */
  cacheDir?: string;
  /** Let TensorRT run layers in FP16 (faster on GPUs with tensor cores; a small accuracy cost). */
  fp16?: boolean;
}

/**
 * The TensorRT provider reads its engine cache and precision settings from these environment
 * variables (onnxruntime-node passes only a device id to it). Values the environment already has win.
 */
export function tensorRtEnvironment(o: TensorRtOptions, existing: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const want: Record<string, string> = {};
  if (o.cacheDir) {
    want.ORT_TENSORRT_ENGINE_CACHE_ENABLE = '1';
    want.ORT_TENSORRT_CACHE_PATH = o.cacheDir;
  }
  if (o.fp16) want.ORT_TENSORRT_FP16_ENABLE = '1';
  return Object.fromEntries(Object.entries(want).filter(([k]) => existing[k] === undefined));
}

/** The names of the execution providers this onnxruntime-node build knows (e.g. for `make bench`). */
export function availableProviders(): string[] {
  return (ort.listSupportedBackends?.() ?? []).map((b) => (b.bundled === false ? `${b.name} (not bundled)` : b.name));
}

export async function createSession(
  modelPath: string,
  inputName: string,
  inputDims: readonly number[],
  outputName: string | readonly string[],
  opts: SessionOptions,
): Promise<InferenceRunner> {
  const outputNames = typeof outputName === 'string' ? [outputName] : [...outputName];
  if (opts.provider !== 'cpu') {
    const supported = ort.listSupportedBackends?.().map((b) => b.name) ?? [];
    if (!supported.includes(opts.provider)) {
      throw new VantageError(
        'ERR_PROVIDER_UNAVAILABLE',
        `execution provider "${opts.provider}" is not available in this onnxruntime-node build (has: ${supported.join(', ') || 'cpu'}); missing ${providerHint(opts.provider)}`,
      );
    }
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: executionProviders(opts.provider, opts.deviceId ?? 0),
      graphOptimizationLevel: 'all',
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      // Errors only: exporters leave unused initializers that onnxruntime reports at every load.
      logSeverityLevel: 3,
    });
  } catch (e) {
    const msg = (e as Error).message;
    if (opts.provider !== 'cpu' && /provider|cuda|tensorrt|\.so/i.test(msg)) {
      throw new VantageError(
        'ERR_PROVIDER_UNAVAILABLE',
        `execution provider "${opts.provider}" could not be loaded: missing ${providerHint(opts.provider)} (${msg.split('\n')[0]})`,
        { cause: e },
      );
    }
    throw new VantageError('ERR_MODEL_INVALID', `cannot load model ${modelPath}: ${msg}`, { cause: e });
  }
  const missing = outputNames.filter((n) => !session.outputNames.includes(n));
  if (!session.inputNames.includes(inputName) || missing.length) {
    throw new VantageError(
      'ERR_MODEL_INVALID',
      `model ${modelPath} has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], the manifest names "${inputName}" and ${outputNames.map((n) => `"${n}"`).join(', ')}`,
    );
  }
  const meta = session.inputMetadata?.find((m) => m.name === inputName);
  const shape = meta?.isTensor ? meta.shape : [];
  const symbolic = (d: unknown) => typeof d === 'string' || (typeof d === 'number' && d < 0);
  const modelBatch = symbolic(shape[0]) ? 'dynamic' : (shape[0] as number | undefined);
  const dynamicSize = shape.length === 4 && symbolic(shape[2]) && symbolic(shape[3]);
  const [maxBatch, channels, height, width] = inputDims as number[];
  // One tensor per batch size and image size, each wrapping the start of the caller's reused buffer:
  // created once, read at every run.
  const tensors = new Map<string, { input: Float32Array; tensor: ort.Tensor }>();
  const runOutputs = async (input: Float32Array, batch = maxBatch!, size = { width: width!, height: height! }): Promise<Float32Array[]> => {
    const key = `${batch}:${size.width}x${size.height}`;
    let t = tensors.get(key);
    if (t?.input !== input) {
      if (!Number.isInteger(batch) || batch < 1 || batch > maxBatch!) throw new RangeError(`batch ${batch}: the session takes 1 to ${maxBatch} images`);
      if (!dynamicSize && (size.width !== width || size.height !== height)) throw new RangeError(`${size.width}x${size.height}: this model takes ${width}x${height} images only`);
      const n = batch * channels! * size.width * size.height;
      if (input.length < n) throw new RangeError(`input holds ${input.length} values, ${batch} image(s) of ${size.width}x${size.height} need ${n}`);
      t = { input, tensor: new ort.Tensor('float32', input.subarray(0, n), [batch, channels!, size.height, size.width]) };
      tensors.set(key, t);
    }
    const out = await session.run({ [inputName]: t.tensor }, outputNames);
    return outputNames.map((name) => out[name]!.data as Float32Array);
  };
  return {
    provider: opts.provider,
    modelBatch,
    dynamicSize,
    runOutputs,
    async run(input: Float32Array, batch?: number): Promise<Float32Array> {
      return (await runOutputs(input, batch))[0]!;
    },
    async release(): Promise<void> {
      await session.release();
    },
  };
}
