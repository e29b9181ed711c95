import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAMPUS, MEDIA, runCli, tempDir } from './helpers.js';

interface Result {
  lines: Array<{ line: string; direction: 'in' | 'out'; counted: number; truth: number; error: number; accuracy: number }>;
  absError: number;
  truth: number;
  countAccuracy: number;
  visitors: number;
  tracks: number;
  people: number;
  fps: number;
}

/**
 * `vantage eval-counts` on real footage: real ffmpeg decode, the bundled detector, the appliance's
 * tracker and counting rules, against the clip's ground truth.
 */
describe('vantage eval-counts on TUD-Campus', () => {
  const gt = resolve(MEDIA, 'TUD-Campus/gt.txt');

  it('reports per line and direction the count, the true count, the error and the accuracy', () => {
    const cache = join(tempDir(), 'campus.json');
    // A vertical line at x = 0.3 (192 px), pointing down: right → left is 'in'. By hand from gt.txt
    // (first and last foot x of each person): ids 3 (104 → 624), 5 (162 → 480) and 7 (10 → 388)
    // cross left → right, id 2 (328 → 10) right → left; id 4 starts right of it (223), and id 6
    // starts 2 px left of it (190), inside the hysteresis band (0.1 box widths ≈ 5.5 px), so it was
    // never clearly on the left. So the truth is in 1, out 3.
    const r = runCli(['eval-counts', CAMPUS, '--gt', gt, '--line', '0.3,0,0.3,1', '--line', '0,0.7,1,0.7', '--cache', cache, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as Result;
    const byKey = new Map(res.lines.map((l) => [`${l.line} ${l.direction}`, l]));
    expect(byKey.get('line1 in')!.truth).toBe(1);
    expect(byKey.get('line1 out')!.truth).toBe(3);
    expect(res.lines).toHaveLength(4);
    let abs = 0;
    let truth = 0;
    for (const l of res.lines) {
      expect(l.error).toBe(l.counted - l.truth);
      abs += Math.abs(l.error);
      truth += l.truth;
    }
    expect(res.absError).toBe(abs);
    expect(res.truth).toBe(truth);
    expect(res.countAccuracy).toBeCloseTo(Math.max(0, 100 * (1 - abs / truth)), 1);
    expect(res.people).toBe(8);
    expect(res.visitors).toBeGreaterThan(0);
    expect(res.visitors).toBeLessThanOrEqual(res.tracks);

    // The recorded detections are reused: a third of the frame rate without running the detector.
    const third = runCli(['eval-counts', CAMPUS, '--gt', gt, '--fixed-lines', '--step', '3', '--cache', cache, '--json']);
    expect(third.code, third.stderr).toBe(0);
    const t = JSON.parse(third.stdout) as Result;
    expect(t.fps).toBeCloseTo(25 / 3, 1);
    expect(t.lines).toHaveLength(12);
  });

  it('refuses bad arguments with a message naming the field', () => {
    const bad = (args: string[], message: RegExp) => {
      const r = runCli(['eval-counts', CAMPUS, '--gt', gt, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    };
    bad([], /at least one --line/);
    bad(['--line', '0.3,0,0.3'], /--line 1 must be four numbers/);
    bad(['--line', '0.3,0,0.3,1.5'], /--line 1: .*outside the frame/);
    bad(['--line', '0.3,0.3,0.3,0.3'], /--line 1: .*same/);
    bad(['--line', '0,0,1,1', '--step', '0'], /--step must be an integer/);
    bad(['--fixed-lines', '--line', '0,0,1,1'], /either --line or --fixed-lines/);
    const missing = runCli(['eval-counts', CAMPUS, '--gt', '/nonexistent/gt.txt', '--fixed-lines']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--gt file not found');
  });
});
