/** The one place onnxruntime-node is imported: an inference session behind our own small interface. */
import * as ort from 'onnxruntime-node';
import { VantageError } from '../errors.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt';

export interface SessionOptions {
  provider: ExecutionProvider;
  threads: number;
}

export interface InferenceRunner {
  readonly provider: ExecutionProvider;
  /** Runs the model on `input` (NCHW float32, reused by the caller) and returns the first output's data. */
  run(input: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

/** Libraries each GPU provider needs, for an error that names what is missing. */
const PROVIDER_LIBS: Record<Exclude<ExecutionProvider, 'cpu'>, string> = {
  cuda: 'libonnxruntime_providers_cuda.so (install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12, plus CUDA 12 and cuDNN 9)',
  tensorrt: 'libonnxruntime_providers_tensorrt.so (install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12, plus TensorRT 10)',
};

export function executionProviders(provider: ExecutionProvider): ort.InferenceSession.ExecutionProviderConfig[] {
  switch (provider) {
    case 'cpu':
      return ['cpu'];
    case 'cuda':
      return [{ name: 'cuda' }, 'cpu'];
    case 'tensorrt':
      return [{ name: 'tensorrt' }, { name: 'cuda' }, 'cpu'];
  }
}

export async function createSession(
  modelPath: string,
  inputName: string,
  inputDims: readonly number[],
  outputName: string,
  opts: SessionOptions,
): Promise<InferenceRunner> {
  if (opts.provider !== 'cpu') {
    const supported = ort.listSupportedBackends?.().map((b) => b.name) ?? [];
    if (!supported.includes(opts.provider)) {
      throw new VantageError(
        'ERR_PROVIDER_UNAVAILABLE',
        `execution provider "${opts.provider}" is not available in this onnxruntime-node build (has: ${supported.join(', ') || 'cpu'}); missing ${PROVIDER_LIBS[opts.provider]}`,
      );
    }
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      executionProviders: executionProviders(opts.provider),
      graphOptimizationLevel: 'all',
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
  } catch (e) {
    const msg = (e as Error).message;
    if (opts.provider !== 'cpu' && /provider|cuda|tensorrt|\.so/i.test(msg)) {
      throw new VantageError(
        'ERR_PROVIDER_UNAVAILABLE',
        `execution provider "${opts.provider}" could not be loaded: missing ${PROVIDER_LIBS[opts.provider]} (${msg.split('\n')[0]})`,
        { cause: e },
      );
    }
    throw new VantageError('ERR_MODEL_INVALID', `cannot load model ${modelPath}: ${msg}`, { cause: e });
  }
  if (!session.inputNames.includes(inputName) || !session.outputNames.includes(outputName)) {
    throw new VantageError(
      'ERR_MODEL_INVALID',
      `model ${modelPath} has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], the manifest names "${inputName}" and "${outputName}"`,
    );
  }
  let tensor: ort.Tensor | undefined;
  let tensorData: Float32Array | undefined;
  return {
    provider: opts.provider,
    async run(input: Float32Array): Promise<Float32Array> {
      // The tensor wraps the caller's reused buffer: created once, read at every run.
      if (tensorData !== input) {
        tensor = new ort.Tensor('float32', input, inputDims as number[]);
        tensorData = input;
      }
      const out = await session.run({ [inputName]: tensor! });
      return out[outputName]!.data as Float32Array;
    },
    async release(): Promise<void> {
      await session.release();
    },
  };
}
