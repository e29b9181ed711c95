/**
 * Detection quality against MOTChallenge ground truth, frame by frame (identities play no part):
 * AP at an IoU threshold (all-point interpolated area under the precision/recall curve, as PASCAL VOC
 * 2010+ and COCO compute it), and recall, precision and false positives per frame at one score.
 *
 * Ground-truth rows marked 0 ("not considered") are neither needed nor counted: a detection that
 * matches only such a box is ignored rather than counted as a false positive.
 */
import { iou, type Box } from '../math/box.js';

export interface FrameDetections {
  frame: number;
  detections: Array<{ box: Box; score: number }>;
}

export interface DetEvalResult {
  /** Average precision at the IoU threshold. */
  ap: number;
  /** At the score threshold: matched detections / considered GT boxes. */
  recall: number;
  /** At the score threshold: matched / (matched + false positives). */
  precision: number;
  /** At the score threshold: false positives per evaluated frame. */
  fpPerFrame: number;
  frames: number;
  /** Considered GT boxes in the evaluated frames. */
  gt: number;
  tp: number;
  fp: number;
}

interface GtBox {
  box: Box;
  considered: boolean;
}

/**
 * `gt`: every GT row (frame, box, considered); only frames present in `predicted` are evaluated, so
 * a run on every Nth frame is scored on those frames.
 */
export function evaluateDetections(
  gt: ReadonlyArray<{ frame: number; box: Box; considered: boolean }>,
  predicted: readonly FrameDetections[],
  opts: { iou?: number; scoreThreshold: number },
): DetEvalResult {
  const iouThr = opts.iou ?? 0.5;
  const byFrame = new Map<number, GtBox[]>();
  for (const g of gt) {
    const list = byFrame.get(g.frame) ?? [];
    list.push({ box: g.box, considered: g.considered });
    byFrame.set(g.frame, list);
  }
  let total = 0;
  /** Each detection's fate: true positive, false positive, or ignored (undefined). */
  const ranked: Array<{ score: number; tp: boolean }> = [];
  for (const f of predicted) {
    const boxes = byFrame.get(f.frame) ?? [];
    total += boxes.filter((b) => b.considered).length;
    const taken = new Uint8Array(boxes.length);
    // Greedy by score: each detection takes the best-overlapping considered box still free.
    for (const d of [...f.detections].sort((a, b) => b.score - a.score)) {
      let best = -1;
      let bestIou = iouThr;
      let ignoredHit = false;
      boxes.forEach((g, i) => {
        const v = iou(d.box, g.box);
        if (v < iouThr) return;
        if (!g.considered) {
          ignoredHit = true;
          return;
        }
        if (!taken[i] && v >= bestIou) {
          best = i;
          bestIou = v;
        }
      });
      if (best >= 0) {
        taken[best] = 1;
        ranked.push({ score: d.score, tp: true });
      } else if (!ignoredHit) {
        ranked.push({ score: d.score, tp: false });
      }
    }
  }
  ranked.sort((a, b) => b.score - a.score);
  // Precision/recall after each detection, then the area under the monotone precision envelope.
  const rec: number[] = [];
  const prec: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const r of ranked) {
    if (r.tp) tp++;
    else fp++;
    rec.push(total ? tp / total : 0);
    prec.push(tp / (tp + fp));
  }
  for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i]!, prec[i + 1]!);
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < rec.length; i++) {
    ap += (rec[i]! - prevRecall) * prec[i]!;
    prevRecall = rec[i]!;
  }
  const atThr = ranked.filter((r) => r.score >= opts.scoreThreshold);
  const tpAt = atThr.filter((r) => r.tp).length;
  const fpAt = atThr.length - tpAt;
  const frames = predicted.length;
  return {
    ap,
    recall: total ? tpAt / total : 0,
    precision: atThr.length ? tpAt / atThr.length : 0,
    fpPerFrame: frames ? fpAt / frames : 0,
    frames,
    gt: total,
    tp: tpAt,
    fp: fpAt,
  };
}
