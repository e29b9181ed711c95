import { iou } from '../math/box.js';
import type { Detection } from './types.js';

/**
 * Greedy non-maximum suppression per class: boxes of different classes never suppress each other.
 * Returns the kept detections sorted by descending score.
 */
export function nmsPerClass(dets: Detection[], iouThreshold: number): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    let suppressed = false;
    for (const k of kept) {
      if (k.classId === d.classId && iou(k.box, d.box) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push(d);
  }
  return kept;
}
