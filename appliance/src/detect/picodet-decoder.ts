import type { z } from 'zod';
import type { DecoderFamily, OutputDecoder } from './output-decoder.js';
import { toSource } from './output-decoder.js';
import type { Detection, Letterbox } from './types.js';

const params = (zod: typeof z) =>
  zod.strictObject({
    strides: zod.array(zod.number().int().positive()).min(1),
    /** Bins per box side of the distribution (GFL) head; PicoDet's reg_max + 1. */
    bins: zod.number().int().min(1).max(64),
  });

/**
 * PP-PicoDet (GFL head): per stride one score tensor [cells, classes] (sigmoid applied), then per
 * stride one box tensor [cells, 4·bins] — for each side (left, top, right, bottom) a distribution over
 * `bins` distances; softmax, the expectation Σ i·p_i times the stride is the distance from the cell
 * centre ((col + 0.5)·stride, (row + 0.5)·stride), cells in row-major order. Outputs come in the
 * order: all score tensors, then all box tensors.
 */
export const picodetFamily: DecoderFamily<z.output<ReturnType<typeof params>>> = {
  name: 'picodet',
  params,
  outputs: (p) => 2 * p.strides.length,
  create: (p, input, numClasses) => new PicodetDecoder(input.width, input.height, p.strides, p.bins, numClasses),
};

export class PicodetDecoder implements OutputDecoder {
  private readonly grid: Array<{ stride: number; cols: number; cells: number }>;

  constructor(
    inputWidth: number,
    inputHeight: number,
    strides: readonly number[],
    private readonly bins: number,
    private readonly numClasses: number,
  ) {
    // PaddleDetection's grid: ceil(size / stride) cells per axis.
    this.grid = strides.map((stride) => {
      const cols = Math.ceil(inputWidth / stride);
      return { stride, cols, cells: cols * Math.ceil(inputHeight / stride) };
    });
  }

  decode(outputs: readonly Float32Array[], lb: Letterbox, minScore: number, classMask?: Uint8Array): Detection[] {
    const n = this.grid.length;
    if (outputs.length !== 2 * n) throw new Error(`model has ${outputs.length} outputs, the picodet decoder reads ${2 * n} (scores and boxes per stride)`);
    const dets: Detection[] = [];
    const C = this.numClasses;
    const R = 4 * this.bins;
    for (let k = 0; k < n; k++) {
      const { stride, cols, cells } = this.grid[k]!;
      const scores = outputs[k]!;
      const boxes = outputs[n + k]!;
      if (scores.length !== cells * C || boxes.length !== cells * R) {
        throw new Error(`stride ${stride}: outputs have ${scores.length} and ${boxes.length} values, expected ${cells}×${C} and ${cells}×${R}`);
      }
      for (let i = 0, o = 0; i < cells; i++, o += C) {
        let best = -1;
        let bestScore = 0;
        for (let c = 0; c < C; c++) {
          if (classMask && !classMask[c]) continue;
          const s = scores[o + c]!;
          if (s > bestScore) {
            bestScore = s;
            best = c;
          }
        }
        if (best < 0 || bestScore < minScore) continue;
        const cx = ((i % cols) + 0.5) * stride;
        const cy = (Math.floor(i / cols) + 0.5) * stride;
        const b = i * R;
        const l = this.expectation(boxes, b) * stride;
        const t = this.expectation(boxes, b + this.bins) * stride;
        const r = this.expectation(boxes, b + 2 * this.bins) * stride;
        const d = this.expectation(boxes, b + 3 * this.bins) * stride;
        const box = toSource(cx - l, cy - t, cx + r, cy + d, lb);
        if (box) dets.push({ box, score: bestScore, classId: best });
      }
    }
    return dets;
  }

  /** Σ i·softmax(v)_i over one side's bins. */
  private expectation(v: Float32Array, at: number): number {
    let max = -Infinity;
    for (let i = 0; i < this.bins; i++) max = Math.max(max, v[at + i]!);
    let sum = 0;
    let acc = 0;
    for (let i = 0; i < this.bins; i++) {
      const e = Math.exp(v[at + i]! - max);
      sum += e;
      acc += i * e;
    }
    return acc / sum;
  }
}
