import type { z } from 'zod';
import type { DecoderFamily, OutputDecoder } from './output-decoder.js';
import { toSource } from './output-decoder.js';
import type { Detection, Letterbox } from './types.js';

const params = (zod: typeof z) =>
  zod.strictObject({
    strides: zod.array(zod.number().int().positive()).min(1),
    /** Objectness and class scores already passed through a sigmoid. */
    scoresActivated: zod.boolean(),
  });

/** YOLOX: one output [cells, 5 + classes] (tx, ty, tw, th, objectness, class scores), anchor-free grid. */
export const yoloxFamily: DecoderFamily<z.output<ReturnType<typeof params>>> = {
  name: 'yolox',
  params,
  outputs: () => 1,
  create: (p, input, numClasses) => new YoloxDecoder(input.width, input.height, p.strides, numClasses, p.scoresActivated),
};

/**
 * Decodes raw YOLOX head output into boxes in original-frame pixels. The grid (cell x, y and stride
 * per row) is computed once per input size.
 */
export class YoloxDecoder implements OutputDecoder {
  private readonly gx: Float32Array;
  private readonly gy: Float32Array;
  private readonly stride: Float32Array;
  readonly cells: number;

  constructor(
    inputWidth: number,
    inputHeight: number,
    strides: readonly number[],
    readonly numClasses: number,
    private readonly scoresActivated: boolean,
  ) {
    let cells = 0;
    for (const s of strides) cells += Math.floor(inputWidth / s) * Math.floor(inputHeight / s);
    this.cells = cells;
    this.gx = new Float32Array(cells);
    this.gy = new Float32Array(cells);
    this.stride = new Float32Array(cells);
    let i = 0;
    for (const s of strides) {
      const w = Math.floor(inputWidth / s);
      const h = Math.floor(inputHeight / s);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++, i++) {
          this.gx[i] = x;
          this.gy[i] = y;
          this.stride[i] = s;
        }
      }
    }
  }

  /**
   * Candidates with objectness·class score ≥ minScore, best class per cell, optionally restricted to
   * `classMask` (1 = keep). Boxes are mapped back through the letterbox and clipped to the frame.
   */
  decode([out]: readonly Float32Array[], lb: Letterbox, minScore: number, classMask?: Uint8Array): Detection[] {
    const dim = 5 + this.numClasses;
    if (!out || out.length !== this.cells * dim) {
      throw new Error(`model output has ${out?.length ?? 0} values, expected ${this.cells}×${dim}`);
    }
    const act = this.scoresActivated ? (v: number) => v : sigmoid;
    const dets: Detection[] = [];
    for (let i = 0, o = 0; i < this.cells; i++, o += dim) {
      const obj = act(out[o + 4]!);
      if (obj < minScore) continue; // score = obj·cls ≤ obj
      let best = -1;
      let bestScore = 0;
      for (let c = 0; c < this.numClasses; c++) {
        if (classMask && !classMask[c]) continue;
        const s = act(out[o + 5 + c]!);
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      const score = obj * bestScore;
      if (best < 0 || score < minScore) continue;
      const s = this.stride[i]!;
      const cx = (out[o]! + this.gx[i]!) * s;
      const cy = (out[o + 1]! + this.gy[i]!) * s;
      const w = Math.exp(out[o + 2]!) * s;
      const h = Math.exp(out[o + 3]!) * s;
      const box = toSource(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, lb);
      if (box) dets.push({ box, score, classId: best });
    }
    return dets;
  }
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}
