import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['appliance/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn ffmpeg and run ONNX inference; two cores are all this machine has.
    fileParallelism: true,
    maxWorkers: 2,
    pool: 'forks',
  },
});
