import { blurRegions, type Privacy, type Region } from '../config/privacy.js';
import type { Letterbox } from '../detect/types.js';
import { blurRects } from '../math/box-blur.js';
import type { ProcessedFrame } from '../pipeline/frame-processor.js';
import type { I420 } from './frame-i420.js';

/**
 * The regions of an analysed frame that its camera's privacy blurs (source pixels): the boxes of its
 * tracks and of its raw detections (unconfirmed ones too: a blur errs on the side of more) of the
 * privacy's classes, as the snapshot does (camera-runtime.ts). Empty for blur `none`.
 */
export function frameBlurRegions(p: Privacy, f: ProcessedFrame, className: (classId: number) => string): Region[] {
  if (p.blur === 'none') return [];
  const boxes = [...f.tracks, ...f.result.detections].filter((t) => p.classes.includes(className(t.classId))).map((t) => t.box);
  const lb = f.result.letterbox;
  return blurRegions(p.blur, boxes, lb.srcWidth, lb.srcHeight);
}

/**
 * Blurs `regions` (source pixels) of an I420 picture of the frame (frame-i420.ts: the letterbox's
 * picture area, `lb.width × lb.height` cropped to even sides) in place: the luma plane at the
 * picture's scale, the chroma planes at half of it (math/box-blur.ts on each plane). Pixels outside
 * the regions (rounded out to the chroma grid) are left as they were.
 */
export function blurI420(pic: I420, lb: Letterbox, regions: readonly Region[]): void {
  if (!regions.length) return;
  const { width, height, data } = pic;
  const cw = width >> 1;
  const ch = height >> 1;
  // Source → picture, rounded out to even pixels so each region covers whole chroma samples.
  const luma = regions.map((r) => {
    const left = Math.max(0, Math.floor((r.left * lb.scaleX) / 2) * 2);
    const top = Math.max(0, Math.floor((r.top * lb.scaleY) / 2) * 2);
    const right = Math.min(width, Math.ceil(((r.left + r.width) * lb.scaleX) / 2) * 2);
    const bottom = Math.min(height, Math.ceil(((r.top + r.height) * lb.scaleY) / 2) * 2);
    return { left, top, width: right - left, height: bottom - top };
  });
  const chroma = luma.map((r) => ({ left: r.left / 2, top: r.top / 2, width: r.width / 2, height: r.height / 2 }));
  blurRects(data.subarray(0, width * height), width, height, 1, luma);
  blurRects(data.subarray(width * height, width * height + cw * ch), cw, ch, 1, chroma);
  blurRects(data.subarray(width * height + cw * ch, width * height + 2 * cw * ch), cw, ch, 1, chroma);
}
