import type { Letterbox } from '../detect/types.js';

/**
 * Cheap change detection on a sparse grid of the letterboxed (planar) frame: the fraction of sampled pixels
 * whose summed channels moved by more than `pixelDelta` since the last frame that was run through
 * the detector. Costs ~2.7k samples per 416×416 frame.
 *
 * Only the picture is sampled (the top-left `contentWidth`×`contentHeight` of the frame), never the
 * letterbox padding, which never changes: otherwise the same motion would be a smaller fraction of
 * a padded 416×416 input than of a 416×320 one, and a threshold would mean a different share of the
 * picture for each planned input size.
 */
export class MotionGate {
  private reference: Uint16Array | undefined;
  private readonly step = 8;
  private readonly plane: number;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly pixelDelta = 36,
    readonly contentWidth = width,
    readonly contentHeight = height,
  ) {
    this.plane = width * height;
    this.contentWidth = Math.min(width, contentWidth);
    this.contentHeight = Math.min(height, contentHeight);
  }

  /** A gate for frames letterboxed as `lb`, sampling the picture only. */
  static forLetterbox(lb: Letterbox, pixelDelta?: number): MotionGate {
    return new MotionGate(lb.inputWidth, lb.inputHeight, pixelDelta, lb.width, lb.height);
  }

  /** Whether this gate samples frames letterboxed as `lb` (same frame and picture size). */
  fits(lb: Letterbox): boolean {
    return this.width === lb.inputWidth && this.height === lb.inputHeight && this.contentWidth === Math.min(lb.inputWidth, lb.width) && this.contentHeight === Math.min(lb.inputHeight, lb.height);
  }

  /** Fraction (0–1) of the sampled grid that changed against the reference (1 when there is none). */
  changed(frame: Uint8Array): number {
    const ref = this.reference;
    if (!ref) return 1;
    let i = 0;
    let moved = 0;
    for (let y = this.step >> 1; y < this.contentHeight; y += this.step) {
      for (let x = this.step >> 1; x < this.contentWidth; x += this.step, i++) {
        const p = y * this.width + x;
        const v = frame[p]! + frame[this.plane + p]! + frame[2 * this.plane + p]!;
        if (Math.abs(v - ref[i]!) > this.pixelDelta) moved++;
      }
    }
    return moved / i;
  }

  /** Remember `frame` as what the detector last saw. */
  setReference(frame: Uint8Array): void {
    const cols = Math.ceil((this.contentWidth - (this.step >> 1)) / this.step);
    const rows = Math.ceil((this.contentHeight - (this.step >> 1)) / this.step);
    const ref = (this.reference ??= new Uint16Array(cols * rows));
    let i = 0;
    for (let y = this.step >> 1; y < this.contentHeight; y += this.step) {
      for (let x = this.step >> 1; x < this.contentWidth; x += this.step, i++) {
        const p = y * this.width + x;
        ref[i] = frame[p]! + frame[this.plane + p]! + frame[2 * this.plane + p]!;
      }
    }
  }
}
