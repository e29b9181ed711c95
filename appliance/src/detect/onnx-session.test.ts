import { describe, expect, it } from 'vitest';
import { availableProviders, executionProviders, providerHint, tensorRtEnvironment } from './onnx-session.js';

describe('execution provider selection', () => {
  it('puts the GPU first and the CPU last, on the configured device', () => {
    expect(executionProviders('cpu')).toEqual(['cpu']);
    expect(executionProviders('cuda')).toEqual([{ name: 'cuda', deviceId: 0 }, 'cpu']);
    expect(executionProviders('cuda', 1)).toEqual([{ name: 'cuda', deviceId: 1 }, 'cpu']);
    // TensorRT builds engines for what it supports; CUDA then the CPU run the rest.
    expect(executionProviders('tensorrt', 2)).toEqual([{ name: 'tensorrt', deviceId: 2 }, { name: 'cuda', deviceId: 2 }, 'cpu']);
  });

  it('names the missing library and how to get it, per platform', () => {
    const x64 = providerHint('cuda', 'linux', 'x64');
    expect(x64).toContain('libonnxruntime_providers_cuda.so');
    expect(x64).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci');
    expect(x64).toContain('cuDNN 9');
    expect(providerHint('tensorrt', 'linux', 'x64')).toMatch(/libonnxruntime_providers_tensorrt\.so.*TensorRT 10/);
    // Jetson: no prebuilt GPU providers in the npm package.
    const jetson = providerHint('tensorrt', 'linux', 'arm64');
    expect(jetson).toMatch(/no GPU providers for linux\/arm64 \(Jetson\)/);
    expect(jetson).toContain('--use_cuda --use_tensorrt --build_nodejs');
    expect(jetson).toContain('provider: cpu');
    expect(providerHint('cuda', 'darwin', 'arm64')).toMatch(/linux\/x64 only \(this is darwin\/arm64\)/);
  });

  it('sets the TensorRT engine cache and FP16 through the variables the provider reads, never overriding the environment', () => {
    expect(tensorRtEnvironment({})).toEqual({});
    expect(tensorRtEnvironment({ cacheDir: '/var/lib/vantage/trt', fp16: true })).toEqual({
      ORT_TENSORRT_ENGINE_CACHE_ENABLE: '1',
      ORT_TENSORRT_CACHE_PATH: '/var/lib/vantage/trt',
      ORT_TENSORRT_FP16_ENABLE: '1',
    });
    expect(tensorRtEnvironment({ cacheDir: '/a', fp16: true }, { ORT_TENSORRT_FP16_ENABLE: '0' })).toEqual({ ORT_TENSORRT_ENGINE_CACHE_ENABLE: '1', ORT_TENSORRT_CACHE_PATH: '/a' });
  });

  it('lists the providers this onnxruntime-node build knows; the CPU always', () => {
    expect(availableProviders()).toContain('cpu');
  });
});
