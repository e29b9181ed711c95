import { describe, expect, it } from 'vitest';
import { fromLtwh } from '../math/box.js';
import { evaluateDetections } from './det-eval.js';

const g = (frame: number, l: number, considered = true) => ({ frame, box: fromLtwh(l, 0, 10, 20), considered });
const d = (l: number, score: number) => ({ box: fromLtwh(l, 0, 10, 20), score });

describe('detection AP against MOT ground truth', () => {
  it('perfect detections: AP 1, recall 1, precision 1, no false positives', () => {
    const r = evaluateDetections([g(1, 0), g(1, 50), g(2, 0)], [{ frame: 1, detections: [d(0, 0.9), d(50, 0.8)] }, { frame: 2, detections: [d(1, 0.7)] }], { scoreThreshold: 0.5 });
    expect(r).toMatchObject({ ap: 1, recall: 1, precision: 1, fpPerFrame: 0, gt: 3, tp: 3, fp: 0 });
  });

  it('a false positive ranked above a hit lowers AP by the interpolated precision; below the count threshold it does not count there', () => {
    // Ranked: FP 0.9, TP 0.8, TP 0.3 (2 GT): precision 0, 1/2, 2/3 → envelope 2/3 at both recalls.
    const r = evaluateDetections([g(1, 0), g(1, 50)], [{ frame: 1, detections: [d(200, 0.9), d(0, 0.8), d(50, 0.3)] }], { scoreThreshold: 0.5 });
    expect(r.ap).toBeCloseTo(2 / 3, 10);
    expect(r).toMatchObject({ recall: 0.5, precision: 0.5, fpPerFrame: 1, tp: 1, fp: 1 });
  });

  it('a second detection of the same person is a false positive; a missed person lowers recall', () => {
    const r = evaluateDetections([g(1, 0), g(1, 100)], [{ frame: 1, detections: [d(0, 0.9), d(1, 0.8)] }], { scoreThreshold: 0.5 });
    expect(r).toMatchObject({ recall: 0.5, precision: 0.5, tp: 1, fp: 1 });
    expect(r.ap).toBeCloseTo(0.5, 10);
  });

  it('GT rows marked 0 are neither needed nor counted: a detection on one is ignored', () => {
    const r = evaluateDetections([g(1, 0), g(1, 50, false)], [{ frame: 1, detections: [d(50, 0.95), d(0, 0.9)] }], { scoreThreshold: 0.5 });
    expect(r).toMatchObject({ ap: 1, recall: 1, precision: 1, fp: 0, gt: 1 });
  });

  it('only the frames that were run are scored (a run on every 2nd frame)', () => {
    const r = evaluateDetections([g(1, 0), g(2, 0), g(3, 0)], [{ frame: 1, detections: [d(0, 0.9)] }, { frame: 3, detections: [] }], { scoreThreshold: 0.5 });
    expect(r).toMatchObject({ frames: 2, gt: 2, recall: 0.5, ap: 0.5 });
  });
});
