import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MANIFEST, PACKAGE_ROOT } from '../config/paths.js';
import { Detector } from '../detect/detector.js';
import { silentLogger } from '../logger.js';
import { CameraSource } from '../sources/camera-source.js';
import { CameraPipeline } from './camera-pipeline.js';

const CAMPUS = resolve(PACKAGE_ROOT, 'appliance/media/mot15/TUD-Campus/TUD-Campus.mp4'); // 640×480, 25 fps, 71 frames, people throughout

describe('adaptive detection rate (idleFps)', () => {
  let clip = '';
  let det: Detector;
  beforeAll(async () => {
    // 4 s of an empty, still scene (100 frames), then the TUD-Campus clip: people walking in.
    clip = join(mkdtempSync(join(tmpdir(), 'vantage-adaptive-')), 'empty-then-people.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x808070:s=640x480:r=25:d=4', '-i', CAMPUS, '-filter_complex', '[0:v]format=yuv420p[a];[1:v]format=yuv420p,setsar=1[b];[a][b]concat=n=2:v=1[v]', '-map', '[v]', '-r', '25', '-c:v', 'mpeg4', '-q:v', '3', clip]);
    det = await Detector.create({ manifestPath: DEFAULT_MODEL_MANIFEST, provider: 'cpu', threads: 1, scoreThreshold: 0.1, classes: [] });
  });
  afterAll(async () => det?.close());

  async function run(idleFps: number): Promise<{ inferred: boolean[]; pipeline: CameraPipeline }> {
    const source = new CameraSource(
      { id: 'a', spec: { url: clip, loop: false, realtime: false, rtspTransport: 'tcp' }, inputWidth: 416, inputHeight: 416, plan: (w, h) => det.plan(w, h), padValue: 114, policy: 'backpressure', slots: 4, retry: false },
      silentLogger(),
    );
    const inferred: boolean[] = [];
    // Frame time from the stream (seq / fps), so the rate is exact whatever the box's load.
    const pipeline = new CameraPipeline({ cameraId: 'a', timebase: 'stream', idleFps }, source, det, (r) => (inferred[r.seq] = r.inferred), silentLogger());
    const ended = new Promise((r) => source.onEnd(r));
    pipeline.start();
    await ended;
    await pipeline.idle();
    await pipeline.stop();
    return { inferred, pipeline };
  }

  it('an empty still scene is detected 2 times a second; people walking in bring back every frame at once', async () => {
    const { inferred, pipeline } = await run(2);
    expect(inferred).toHaveLength(171);
    const empty = inferred.slice(0, 100).filter(Boolean).length;
    // Nothing seen yet counts as empty: one frame per 0.5 s from the start, 8 over 4 s (frames 0, 13, 26, …).
    expect(empty).toBe(8);
    expect(inferred.slice(0, 14).map((v, i) => (v ? i : -1)).filter((i) => i >= 0)).toEqual([0, 13]);
    // The first frame with people moves against the last detected gray frame: from there, every frame.
    expect(inferred.slice(100).every(Boolean)).toBe(true);
    expect(pipeline.framesIdleSkipped).toBe(100 - empty);
    expect(pipeline.framesSkipped).toBe(pipeline.framesIdleSkipped);
    expect(pipeline.framesInferred).toBe(171 - pipeline.framesIdleSkipped);
  });

  it('idleFps 0 detects every frame (file analysis, or the rate turned off)', async () => {
    const { inferred, pipeline } = await run(0);
    expect(inferred.filter(Boolean)).toHaveLength(171);
    expect(pipeline.framesIdleSkipped).toBe(0);
  });
});
