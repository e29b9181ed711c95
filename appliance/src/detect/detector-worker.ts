/**
 * Worker-thread entry: one ONNX session per worker. Frames are read in place from the camera rings'
 * SharedArrayBuffers; only the small detection list goes back to the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Detector, type DetectorOptions } from './detector.js';
import type { Letterbox } from './types.js';
import { isVantageError } from '../errors.js';

export type WorkerRequest =
  | { type: 'detect'; id: number; buffer: SharedArrayBuffer | ArrayBuffer; byteOffset: number; byteLength: number; letterbox: Letterbox }
  | { type: 'infer-only'; id: number; frames: number; warmup: number }
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
    const work =
      m.type === 'detect'
        ? detector.detect({ frame: new Uint8Array(m.buffer, m.byteOffset, m.byteLength), letterbox: m.letterbox })
        : detector.inferenceOnlyFps(m.frames, m.warmup);
    work.then(
      (result) => send({ type: 'result', id: m.id, result }),
      (e: unknown) => send({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) }),
    );
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'init-error', code: isVantageError(e) ? e.code : 'ERR_MODEL_INVALID', message: e instanceof Error ? e.message : String(e) });
}
