import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_MANIFEST } from '../src/config/paths.js';
import { Detector } from '../src/detect/detector.js';
import { silentLogger } from '../src/logger.js';
import { analyzeFile } from '../src/pipeline/analyze-file.js';
import { MEDIA, STADTMITTE, gtFramesWithObjects, runCli, tempDir } from './helpers.js';

describe('analyze a real clip (ffmpeg → ONNX, every frame)', () => {
  let det: Detector;
  beforeAll(async () => {
    det = await Detector.create({ manifestPath: DEFAULT_MODEL_MANIFEST, provider: 'cpu', threads: 2, scoreThreshold: 0.1, classes: [] });
  });
  afterAll(async () => det?.close());

  it('TUD-Stadtmitte: 179 frames, a person on ≥95% of the frames where the ground truth has one', async () => {
    const withPerson = new Set<number>();
    const seqs: number[] = [];
    const summary = await analyzeFile(STADTMITTE, det, {
      countThreshold: 0.5,
      log: silentLogger(),
      onFrame: (r) => {
        seqs.push(r.seq);
        if (r.detections.some((d) => d.classId === 0 && d.score >= 0.5)) withPerson.add(r.seq + 1);
        for (const d of r.detections) {
          expect(d.box.x2).toBeLessThanOrEqual(640);
          expect(d.box.y2).toBeLessThanOrEqual(480);
        }
      },
    });
    expect(summary.frames).toBe(179);
    expect(seqs).toEqual(Array.from({ length: 179 }, (_, i) => i)); // every frame, in order, none dropped
    expect(summary).toMatchObject({ width: 640, height: 480, sourceFps: 25 });
    const gt = gtFramesWithObjects(resolve(MEDIA, 'TUD-Stadtmitte/gt.txt'));
    const hit = [...gt].filter((f) => withPerson.has(f)).length;
    expect(hit / gt.size).toBeGreaterThanOrEqual(0.95);
    expect(summary.classes.person!.frames).toBe(withPerson.size);
  });

  it('a file that is not video fails with a clear error naming it', async () => {
    const dir = tempDir();
    const bogus = join(dir, 'notes.mp4');
    writeFileSync(bogus, 'this is not a video\n'.repeat(100));
    await expect(analyzeFile(bogus, det, { countThreshold: 0.5, log: silentLogger() })).rejects.toThrow(new RegExp(`cannot open ${bogus}`));
  });

  it('a truncated mp4 (index lost) fails its run with the reason; a truncated mkv yields the frames before the cut', async () => {
    const dir = tempDir();
    const full = readFileSync(STADTMITTE);
    const cutMp4 = join(dir, 'cut.mp4');
    writeFileSync(cutMp4, full.subarray(0, Math.floor(full.length * 0.4)));
    await expect(analyzeFile(cutMp4, det, { countThreshold: 0.5, log: silentLogger() })).rejects.toThrow(/cannot analyse .*cut\.mp4: .*Invalid data/);

    const mkv = join(dir, 'full.mkv');
    execFileSync('ffmpeg', ['-v', 'error', '-i', STADTMITTE, '-c', 'copy', mkv]);
    const whole = readFileSync(mkv);
    const cutMkv = join(dir, 'cut.mkv');
    writeFileSync(cutMkv, whole.subarray(0, Math.floor(whole.length * 0.5)));
    const summary = await analyzeFile(cutMkv, det, { countThreshold: 0.5, log: silentLogger() });
    expect(summary.frames).toBeGreaterThan(60);
    expect(summary.frames).toBeLessThan(150);
  });
});

describe('vantage analyze (CLI)', () => {
  it('prints a JSON summary: frames, per-class counts, seconds, fps', () => {
    const r = runCli(['analyze', STADTMITTE, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { frames: number; seconds: number; fps: number; classes: Record<string, { frames: number; detections: number }> };
    expect(s.frames).toBe(179);
    expect(s.classes.person!.frames).toBeGreaterThanOrEqual(170);
    expect(s.seconds).toBeGreaterThan(0);
    expect(s.fps).toBeCloseTo(179 / s.seconds, 0);
  });

  it('exits 1 with the reason for a missing file, and 2 for bad usage', () => {
    const missing = runCli(['analyze', '/nonexistent/clip.mp4']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('video file not found: /nonexistent/clip.mp4');
    expect(runCli(['analyze']).code).toBe(2);
    expect(runCli(['frobnicate']).code).toBe(2);
  });
});
