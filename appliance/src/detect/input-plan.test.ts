import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../config/paths.js';
import { buildDecodeArgs } from '../sources/ffmpeg.js';
import type { Box } from '../math/box.js';
import { loadManifest } from './manifest.js';
import { planInput, requestProblem } from './input-plan.js';
import { toSource } from './output-decoder.js';
import { PLANE } from './preprocess.js';
import { resized, type Letterbox } from './types.js';

const yolox = loadManifest(resolve(PACKAGE_ROOT, 'models/yolox-nano/manifest-any.json')).input;
const square = loadManifest(resolve(PACKAGE_ROOT, 'models/yolox-nano/manifest.json')).input;
const picodet = loadManifest(resolve(PACKAGE_ROOT, 'models/picodet-s/manifest.json')).input;

const size = (lb: { inputWidth: number; inputHeight: number }) => `${lb.inputWidth}x${lb.inputHeight}`;

describe('input planner', () => {
  it.each([
    // source, planned input, content (the picture inside it)
    [640, 480, '416x320', [416, 312]], // 4:3
    [1920, 1080, '416x256', [416, 234]], // 16:9
    [1280, 720, '416x256', [416, 234]],
    [480, 640, '320x416', [312, 416]], // portrait
    [1080, 1920, '256x416', [234, 416]],
    [641, 479, '416x320', [416, 310]], // odd sizes
    [333, 777, '192x416', [178, 416]],
    [416, 416, '416x416', [416, 416]], // square: as before
    [2000, 100, '416x32', [416, 20]], // a very wide strip: at least one stride
  ])('auto, %dx%d → %s, picture %j, padding under one stride', (w, h, input, content) => {
    const lb = planInput(yolox, w, h);
    expect(size(lb)).toBe(input);
    expect([lb.width, lb.height]).toEqual(content);
    expect(lb.inputWidth % 32 + lb.inputHeight % 32).toBe(0);
    expect(lb.inputWidth - lb.width).toBeLessThan(32);
    expect(lb.inputHeight - lb.height).toBeLessThan(32);
    // The aspect is kept: one scale for both axes.
    expect(lb.scaleX).toBe(lb.scaleY);
  });

  it('a 4:3 input has fewer pixels than the square it replaces: 416x320 is 77% of 416x416', () => {
    const lb = planInput(yolox, 640, 480);
    expect((lb.inputWidth * lb.inputHeight) / (416 * 416)).toBeCloseTo(0.769, 3);
  });

  it('input_pixels: the largest input of the source aspect within the budget', () => {
    for (const [w, h] of [[640, 480], [1920, 1080], [480, 640], [777, 333]] as const) {
      for (const pixels of [416 * 416, 640 * 480, 96 * 96]) {
        const lb = planInput(yolox, w, h, { size: 'auto', pixels });
        expect(lb.inputWidth * lb.inputHeight).toBeLessThanOrEqual(pixels);
        // No room for one more stride on the long side of the picture.
        const longer = w >= h ? (lb.inputWidth + 32) * Math.max(lb.inputHeight, Math.ceil(((lb.inputWidth + 32) * h) / w / 32) * 32) : (lb.inputHeight + 32) * Math.max(lb.inputWidth, Math.ceil(((lb.inputHeight + 32) * w) / h / 32) * 32);
        expect(longer).toBeGreaterThan(pixels);
      }
    }
    expect(size(planInput(yolox, 640, 480, { size: 'auto', pixels: 640 * 480 }))).toBe('640x480');
  });

  it('an explicit size letterboxes into it; a fixed-size model runs its own size whatever the source', () => {
    const lb = planInput(yolox, 640, 480, { size: { width: 416, height: 416 } });
    expect([size(lb), lb.width, lb.height]).toEqual(['416x416', 416, 312]);
    expect(size(planInput(square, 1920, 1080))).toBe('416x416');
  });

  it('a model trained on stretched frames fills its input, each axis scaled on its own', () => {
    const lb = planInput(picodet, 640, 480);
    expect([size(lb), lb.width, lb.height]).toEqual(['416x416', 416, 416]);
    expect([lb.scaleX, lb.scaleY]).toEqual([416 / 640, 416 / 480]);
  });

  it('refuses sizes a model cannot run, naming the model and what it takes', () => {
    expect(requestProblem(yolox, { size: { width: 400, height: 300 } }, 'yolox-nano')).toMatch(/multiples of 32/);
    expect(requestProblem(picodet, { size: { width: 416, height: 320 } }, 'picodet-s')).toMatch(/416x416 only/);
    expect(requestProblem(yolox, { size: { width: 4096, height: 32 } }, 'yolox-nano')).toMatch(/at most 2048/);
    expect(requestProblem(yolox, { size: { width: 416, height: 320 } }, 'yolox-nano')).toBeUndefined();
    expect(() => planInput(yolox, 0, 480)).toThrow(RangeError);
  });
});

// Boxes through the plan and back. The auto plan keeps the picture at the input's top-left corner and
// pads only right and bottom, as YOLOX's reference letterbox and the 416x416 plan do, so the picture
// lies on the same stride grid in both. Measured on the TUD clips (640x480 → 416x320): moving the
// picture 4 rows down (centred padding) changed the scores of the same people 7× more than changing
// the amount of padding (mean |Δscore| against 416x416: 0.087 centred, 0.012 top-left), and its AP50
// won on some clips and lost on others.

/** Boxes in source pixels: one inside the frame, one touching its bottom-right corner (next to the padding). */
const boxesIn = (w: number, h: number): Box[] => [
  { x1: Math.round(w * 0.25), y1: Math.round(h * 0.3), x2: Math.round(w * 0.45), y2: Math.round(h * 0.8) },
  { x1: Math.round(w * 0.7), y1: Math.round(h * 0.75), x2: w, y2: h },
];

/** A source box in model-input pixels, as the model would report it. */
const toInput = (b: Box, lb: Letterbox): Box => ({ x1: b.x1 * lb.scaleX, y1: b.y1 * lb.scaleY, x2: b.x2 * lb.scaleX, y2: b.y2 * lb.scaleY });

const SOURCES = [[640, 480], [1920, 1080], [1280, 720], [480, 640], [1080, 1920], [641, 479], [333, 777], [2000, 100]] as const;

describe('input planner: boxes map back to source pixels', () => {
  it.each(SOURCES)('auto plan for %dx%d: a source box → input pixels → back is the same box', (w, h) => {
    const lb = planInput(yolox, w, h);
    for (const b of boxesIn(w, h)) {
      const back = toSource(...(Object.values(toInput(b, lb)) as [number, number, number, number]), lb)!;
      for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(back[k]).toBeCloseTo(b[k], 6);
    }
  });

  it('a source that changes size mid-stream maps back through the same picture area', () => {
    const lb = resized(planInput(yolox, 640, 480), 1280, 720); // the plan of 640x480 fed 1280x720 frames
    for (const b of boxesIn(1280, 720)) {
      const back = toSource(...(Object.values(toInput(b, lb)) as [number, number, number, number]), lb)!;
      for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(back[k]).toBeCloseTo(b[k], 6);
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'vantage-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A black source image of w×h with the boxes drawn white, written as PNG by ffmpeg. */
  function drawSource(w: number, h: number, boxes: Box[]): string {
    const rgb = new Uint8Array(w * h * 3);
    for (const b of boxes) for (let y = b.y1; y < b.y2; y++) rgb.fill(255, (y * w + b.x1) * 3, (y * w + b.x2) * 3);
    const file = join(dir, `${w}x${h}.png`);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-i', 'pipe:0', '-frames:v', '1', file], { input: rgb });
    return file;
  }

  /** The frame the detector gets: ffmpeg run with the daemon's own decode arguments for this plan. */
  function decodeThroughPlan(file: string, lb: Letterbox): Uint8Array {
    const args = buildDecodeArgs({ url: file, loop: false, realtime: false, rtspTransport: 'tcp' }, lb, yolox.letterbox.padValue);
    const out = execFileSync('ffmpeg', args, { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
    return new Uint8Array(out.buffer, out.byteOffset, lb.inputWidth * lb.inputHeight * 3);
  }

  /** Extent of the bright pixels (≥ half white) of one plane inside `near` (input pixels), as a box of pixel edges. */
  function brightBox(plane: Uint8Array, lb: Letterbox, near: Box): Box {
    const b = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
    for (let y = Math.max(0, Math.floor(near.y1) - 2); y < Math.min(lb.inputHeight, Math.ceil(near.y2) + 2); y++) {
      for (let x = Math.max(0, Math.floor(near.x1) - 2); x < Math.min(lb.inputWidth, Math.ceil(near.x2) + 2); x++) {
        if (plane[y * lb.inputWidth + x]! < 128) continue;
        b.x1 = Math.min(b.x1, x);
        b.y1 = Math.min(b.y1, y);
        b.x2 = Math.max(b.x2, x + 1);
        b.y2 = Math.max(b.y2, y + 1);
      }
    }
    return b;
  }

  it.each([[640, 480], [1280, 720], [480, 640], [641, 479], [333, 777]] as const)(
    'real ffmpeg, %dx%d: the picture sits at the top-left, padding right and bottom is the pad value, drawn boxes map back within one input pixel',
    (w, h) => {
      const lb = planInput(yolox, w, h);
      const boxes = boxesIn(w, h);
      const frame = decodeThroughPlan(drawSource(w, h, boxes), lb);
      const plane = (p: number) => frame.subarray(p * lb.inputWidth * lb.inputHeight, (p + 1) * lb.inputWidth * lb.inputHeight);
      const pad = yolox.letterbox.padValue;
      for (const p of [PLANE.G, PLANE.B, PLANE.R]) {
        const px = plane(p);
        // The picture starts at (0, 0): its black corner, not padding.
        expect(px[0]).toBeLessThan(16);
        for (let y = 0; y < lb.inputHeight; y++) {
          for (let x = 0; x < lb.inputWidth; x++) if (x >= lb.width || y >= lb.height) expect(px[y * lb.inputWidth + x]).toBe(pad);
        }
        // The last picture row and column are picture (black or white), not padding.
        expect(px[(lb.height - 1) * lb.inputWidth]).not.toBe(pad);
        expect(px[lb.width - 1]).not.toBe(pad);
      }
      for (const b of boxes) {
        const found = brightBox(plane(PLANE.G), lb, toInput(b, lb));
        const back = toSource(found.x1, found.y1, found.x2, found.y2, lb)!;
        // One model-input pixel, in source pixels: the finest the model sees.
        expect(Math.abs(back.x1 - b.x1)).toBeLessThanOrEqual(1 / lb.scaleX + 1e-9);
        expect(Math.abs(back.x2 - b.x2)).toBeLessThanOrEqual(1 / lb.scaleX + 1e-9);
        expect(Math.abs(back.y1 - b.y1)).toBeLessThanOrEqual(1 / lb.scaleY + 1e-9);
        expect(Math.abs(back.y2 - b.y2)).toBeLessThanOrEqual(1 / lb.scaleY + 1e-9);
      }
    },
  );
});
