/**
 * Worker-thread entry: one ONNX session per worker. Frames are read in place from the camera rings'
 * SharedArrayBuffers; only the small detection list goes back to the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Detector, type DetectorOptions } from './detector.js';
import type { Letterbox } from './types.js';
import { isVantageError } from '../errors.js';

/** One frame: a ring slot's shared memory (or a copied buffer) and how it was letterboxed. */
export interface FrameMessage {
  id: number;
  buffer: SharedArrayBuffer | ArrayBuffer;
  byteOffset: number;
  byteLength: number;
  letterbox: Letterbox;
}

export type WorkerRequest =
  /** Frames the pool batched: they share one session run (up to the detector's maxBatch). */
  | { type: 'detect'; frames: FrameMessage[] }
  | { type: 'infer-only'; id: number; frames: number; batch: number; warmup: number }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'init-error'; code: string; message: string }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string };

const port = parentPort!;
const send = (m: WorkerReply): void => port.postMessage(m);

try {
  const detector = await Detector.create(workerData as DetectorOptions);
  port.on('message', (m: WorkerRequest) => {
    if (m.type === 'close') {
      void detector.close().finally(() => port.close());
      return;
    }
    const reply = (id: number, work: Promise<unknown>) =>
      work.then(
        (result) => send({ type: 'result', id, result }),
        (e: unknown) => send({ type: 'error', id, message: e instanceof Error ? e.message : String(e) }),
      );
    if (m.type === 'infer-only') {
      void reply(m.id, detector.inferenceOnlyFps(m.frames, m.batch, m.warmup));
      return;
    }
    const results = detector.detectMany(m.frames.map((f) => ({ frame: new Uint8Array(f.buffer, f.byteOffset, f.byteLength), letterbox: f.letterbox })));
    m.frames.forEach((f, i) => void reply(f.id, results[i]!));
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'init-error', code: isVantageError(e) ? e.code : 'ERR_MODEL_INVALID', message: e instanceof Error ? e.message : String(e) });
}
