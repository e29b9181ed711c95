import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../config/paths.js';
import { describe, expect, it } from 'vitest';
import { fromLtwh } from '../math/box.js';
import { evaluateMot, parseMot, type MotMetrics, type MotRow } from './mot-eval.js';

/** A row whose box is `w`×`h` at (x, y); `c` is the 7th column (0 = ignored gt box). */
function r(frame: number, id: number, x: number, o: { y?: number; w?: number; h?: number; c?: number } = {}): MotRow {
  const c = o.c ?? 1;
  return { frame, id, box: fromLtwh(x, o.y ?? 0, o.w ?? 10, o.h ?? 10), score: c, considered: c !== 0 };
}

/** Exact integer fields plus float fields compared to 10 decimals. */
function expectMetrics(m: MotMetrics, expected: Partial<MotMetrics>): void {
  for (const [k, v] of Object.entries(expected)) {
    expect(m[k as keyof MotMetrics], k).toBeCloseTo(v, 10);
  }
  for (const [k, v] of Object.entries(m)) expect(Number.isFinite(v), `${k} is finite`).toBe(true);
}

// Two people 100 px apart, 10×10 boxes, frames 1–3: A (id 1) at x=0, B (id 2) at x=100.
const twoPeople = [1, 2, 3].flatMap((f) => [r(f, 1, 0), r(f, 2, 100)]);

describe('evaluateMot: CLEAR-MOT and IDF1 on hand-made cases', () => {
  it('perfect prediction (different id numbers are fine): everything 100', () => {
    const pred = [1, 2, 3].flatMap((f) => [r(f, 7, 0), r(f, 9, 100)]);
    expectMetrics(evaluateMot(twoPeople, pred), {
      MOTA: 100, MOTP: 100, IDF1: 100, precision: 100, recall: 100,
      IDSW: 0, FP: 0, FN: 0, GT: 6, HYP: 6, IDTP: 6, IDFP: 0, IDFN: 0, MT: 2, ML: 0, frames: 3,
    });
  });

  it('empty prediction: MOTA = 1 - 6/6 = 0, all-miss, no NaN', () => {
    expectMetrics(evaluateMot(twoPeople, []), {
      MOTA: 0, MOTP: 0, IDF1: 0, precision: 0, recall: 0,
      IDSW: 0, FP: 0, FN: 6, GT: 6, HYP: 0, IDTP: 0, IDFP: 0, IDFN: 6, MT: 0, ML: 2, frames: 3,
    });
  });

  it('empty ground truth: every prediction is an FP and the ratios are 0, not NaN', () => {
    expectMetrics(evaluateMot([], [r(1, 1, 0), r(2, 1, 0)]), {
      MOTA: 0, MOTP: 0, IDF1: 0, precision: 0, recall: 0,
      FP: 2, FN: 0, GT: 0, HYP: 2, IDTP: 0, IDFP: 2, IDFN: 0, MT: 0, ML: 0, frames: 2,
    });
    expectMetrics(evaluateMot([], []), { MOTA: 0, IDF1: 0, GT: 0, HYP: 0, frames: 0 });
  });

  it('one ID switch: one person over 4 frames, prediction id 1 then id 2', () => {
    const gt = [1, 2, 3, 4].map((f) => r(f, 1, 0));
    const pred = [r(1, 1, 0), r(2, 1, 0), r(3, 2, 0), r(4, 2, 0)];
    // TP 4, IDSW 1 at frame 3: MOTA = 1 - 1/4 = 75 %.
    // Overlaps (gt1,p1) = 2, (gt1,p2) = 2; best one-to-one = 2: IDTP 2, IDFP 2, IDFN 2,
    // IDF1 = 2·2 / (2·2 + 2 + 2) = 50 %.
    expectMetrics(evaluateMot(gt, pred), {
      MOTA: 75, MOTP: 100, IDF1: 50, IDSW: 1, FP: 0, FN: 0, IDTP: 2, IDFP: 2, IDFN: 2, precision: 100, recall: 100, MT: 1,
    });
  });

  it('a switch is judged against the last match in any earlier frame, not only the previous one', () => {
    const gt = [1, 2, 3].map((f) => r(f, 1, 0));
    // Frame 2 missed, frame 3 comes back with another id: FN 1, IDSW 1, MOTA = 1 - 2/3 = 33.33 %;
    // IDTP 1 (either id), IDFN 2, IDFP 1: IDF1 = 2 / (2 + 1 + 2) = 40 %.
    expectMetrics(evaluateMot(gt, [r(1, 5, 0), r(3, 6, 0)]), {
      MOTA: 100 / 3, IDSW: 1, FN: 1, FP: 0, IDTP: 1, IDF1: 40,
    });
    // Same id after the gap: no switch. MOTA = 1 - 1/3; IDTP 2, IDFN 1: IDF1 = 4/5 = 80 %.
    expectMetrics(evaluateMot(gt, [r(1, 5, 0), r(3, 5, 0)]), { MOTA: 200 / 3, IDSW: 0, FN: 1, IDF1: 80 });
  });

  it('one false positive: 6 TP + 1 FP', () => {
    const pred = [...twoPeople, r(2, 3, 300)];
    // MOTA = 1 - 1/6 = 83.33 %, precision = 6/7, IDTP 6, IDFP 1: IDF1 = 12/13.
    expectMetrics(evaluateMot(twoPeople, pred), {
      MOTA: 500 / 6, precision: 600 / 7, recall: 100, IDF1: 1200 / 13, FP: 1, FN: 0, IDSW: 0, HYP: 7, IDTP: 6, IDFP: 1, IDFN: 0,
    });
  });

  it('one missed box: 5 TP + 1 FN', () => {
    const pred = twoPeople.filter((b) => !(b.frame === 2 && b.id === 2));
    // MOTA = 1 - 1/6, recall = 5/6, IDTP 5, IDFN 1: IDF1 = 10/11. B is tracked 2/3 < 80 %: MT 1, ML 0.
    expectMetrics(evaluateMot(twoPeople, pred), {
      MOTA: 500 / 6, precision: 100, recall: 500 / 6, IDF1: 1000 / 11, FP: 0, FN: 1, IDSW: 0, IDTP: 5, IDFP: 0, IDFN: 1, MT: 1, ML: 0,
    });
  });

  it('two people crossing, prediction ids swap after the crossing: IDSW 2', () => {
    // A walks right (x = 0, 20, 40, 60, 80), B walks left (80, 60, 40, 20, 0); at frame 3 their boxes coincide.
    const xs = [0, 20, 40, 60, 80];
    const gt = xs.flatMap((x, k) => [r(k + 1, 1, x), r(k + 1, 2, 80 - x)]);
    // p1 follows A in frames 1–3 and B in 4–5; p2 the other way round.
    const pred = xs.flatMap((x, k) => (k < 3 ? [r(k + 1, 1, x), r(k + 1, 2, 80 - x)] : [r(k + 1, 2, x), r(k + 1, 1, 80 - x)]));
    // Frame 3 is ambiguous (all IoU 1); the carried correspondence keeps A-p1, B-p2. Frame 4: A-p2, B-p1
    // → 2 switches. TP 10: MOTA = 1 - 2/10 = 80 %.
    // Overlap counts include frame 3 for all four pairs: (A,p1) = (A,p2) = (B,p1) = (B,p2) = 3,
    // so IDTP = 6, IDFP = IDFN = 4, IDF1 = 12 / 20 = 60 %.
    expectMetrics(evaluateMot(gt, pred), {
      MOTA: 80, MOTP: 100, IDF1: 60, IDSW: 2, FP: 0, FN: 0, IDTP: 6, IDFP: 4, IDFN: 4, MT: 2,
    });
  });

  it('more gt tracks than prediction ids: one prediction hops from A to B', () => {
    const gt = [1, 2, 3, 4].flatMap((f) => [r(f, 1, 0), r(f, 2, 100)]);
    const pred = [r(1, 7, 0), r(2, 7, 0), r(3, 7, 100), r(4, 7, 100)];
    // TP 4, FN 4, no switch (different gt ids): MOTA = 1 - 4/8 = 50 %.
    // IDTP 2 (p7 maps to A or B), IDFN 6, IDFP 2: IDF1 = 4 / 12. Each gt tracked 50 %: MT 0, ML 0.
    expectMetrics(evaluateMot(gt, pred), {
      MOTA: 50, IDF1: 100 / 3, IDSW: 0, FN: 4, FP: 0, IDTP: 2, IDFN: 6, IDFP: 2, recall: 50, MT: 0, ML: 0,
    });
  });

  it("keeps last frame's correspondence even when another prediction overlaps better", () => {
    // Frame 2: p1 covers 60 % of the person (IoU 0.6), p2 covers it exactly (IoU 1).
    const gt = [r(1, 1, 0), r(2, 1, 0)];
    const pred = [r(1, 1, 0), r(2, 1, 0, { w: 6 }), r(2, 2, 0)];
    // gt-p1 carried over: IDSW 0, p2 is an FP. MOTA = 1 - 1/2 = 50 %, MOTP = (1 + 0.6)/2 = 80 %.
    // Overlaps (gt,p1) = 2, (gt,p2) = 1: IDTP 2, IDFP 1, IDFN 0, IDF1 = 4/5.
    expectMetrics(evaluateMot(gt, pred), { MOTA: 50, MOTP: 80, IDSW: 0, FP: 1, IDF1: 80, precision: 200 / 3 });
    // With a frame gap (frame 2 has no rows at all) nothing carries over: Hungarian picks p2 → IDSW 1.
    // MOTA = 1 - (1 FP + 1 IDSW)/2 = 0, MOTP 100; IDF1 still 4/5.
    const gap = evaluateMot([r(1, 1, 0), r(3, 1, 0)], [r(1, 1, 0), r(3, 1, 0, { w: 6 }), r(3, 2, 0)]);
    expectMetrics(gap, { MOTA: 0, MOTP: 100, IDSW: 1, FP: 1, IDF1: 80, frames: 2 });
  });

  it('matches as many pairs as possible, not just the single best one', () => {
    // A = x[0,100], B = x[0,60], a = x[0,90], b = x[45,100], all 10 px high.
    // IoU: A-a 0.9, A-b 0.55, B-a 60/90, B-b 0.15 (inadmissible). Two pairs (A-b, B-a) beat A-a alone.
    const gt = [r(1, 1, 0, { w: 100 }), r(1, 2, 0, { w: 60 })];
    const pred = [r(1, 1, 0, { w: 90 }), r(1, 2, 45, { w: 55 })];
    expectMetrics(evaluateMot(gt, pred), { MOTA: 100, FP: 0, FN: 0, MOTP: (100 * (0.55 + 2 / 3)) / 2 });
  });

  it('ignored gt box with a prediction on it: neither FP nor TP, and not FN', () => {
    const gt = [r(1, 1, 0), r(1, 2, 100, { c: 0 })];
    const pred = [r(1, 5, 0), r(1, 6, 100)];
    expectMetrics(evaluateMot(gt, pred), {
      MOTA: 100, IDF1: 100, precision: 100, recall: 100, FP: 0, FN: 0, GT: 1, HYP: 1, IDTP: 1, MT: 1,
    });
    // A prediction beside the ignored box with IoU 60/140 < 0.5 is not removed: it stays an FP.
    const near = evaluateMot(gt, [r(1, 5, 0), r(1, 6, 104)]);
    expectMetrics(near, { FP: 1, HYP: 2, GT: 1, MOTA: 0, precision: 50 });
  });

  it('IoU 0.51 matches and 0.49 does not at threshold 0.5', () => {
    // gt 100×100; prediction is a 51×100 (IoU 0.51) or 49×100 (IoU 0.49) box inside it.
    const gt = [r(1, 1, 0, { w: 100, h: 100 })];
    const hit = [r(1, 1, 0, { w: 51, h: 100 })];
    const miss = [r(1, 1, 0, { w: 49, h: 100 })];
    expectMetrics(evaluateMot(gt, hit), { MOTA: 100, MOTP: 51, FP: 0, FN: 0, IDF1: 100 });
    // Miss: FN 1 + FP 1 over GT 1: MOTA = 1 - 2 = -100 %.
    expectMetrics(evaluateMot(gt, miss), { MOTA: -100, MOTP: 0, FP: 1, FN: 1, IDF1: 0, precision: 0, recall: 0 });
    expectMetrics(evaluateMot(gt, miss, { iou: 0.4 }), { MOTA: 100, MOTP: 49, IDF1: 100 });
  });

  it('rejects duplicate ids within a frame and a bad threshold', () => {
    expect(() => evaluateMot([r(1, 1, 0)], [r(3, 4, 0), r(3, 4, 50)])).toThrow(/prediction: id 4 .* frame 3/);
    expect(() => evaluateMot([r(1, 1, 0)], [], { iou: 0 })).toThrow(/threshold/);
  });
});

const TUD = resolve(PACKAGE_ROOT, 'appliance/media/mot15/TUD-Campus/gt.txt');

describe('evaluateMot on MOT15 TUD-Campus ground truth', () => {
  const gt = parseMot(readFileSync(TUD, 'utf8'));

  it('scores the ground truth against itself as perfect', () => {
    const m = evaluateMot(gt, gt);
    expect(m.GT).toBe(gt.length);
    // 359 boxes, 8 people, 71 frames, nothing ignored.
    expectMetrics(m, {
      MOTA: 100, MOTP: 100, IDF1: 100, IDSW: 0, FP: 0, FN: 0, precision: 100, recall: 100, HYP: gt.length, MT: 8, ML: 0, frames: 71,
    });
  });

  it('scores every box shifted down by half its height (own IoU 1/3) as all FN + FP', () => {
    // A box moved by half its height overlaps its original by 1/2 of its area: IoU = 0.5 / 1.5 = 1/3.
    // In this sequence people stand side by side, so no shifted box reaches IoU 0.5 with anyone else.
    const shifted = gt.map((g) => {
      const dy = (g.box.y2 - g.box.y1) / 2;
      return { ...g, box: { ...g.box, y1: g.box.y1 + dy, y2: g.box.y2 + dy } };
    });
    const m = evaluateMot(gt, shifted);
    expect(m.MOTA).toBeLessThanOrEqual(0);
    // MOTA = 1 - (359 + 359)/359 = -100 %.
    expectMetrics(m, { FN: gt.length, FP: gt.length, MOTA: -100, IDF1: 0, IDTP: 0, IDSW: 0, precision: 0, recall: 0, MT: 0, ML: 8 });
  });
});
