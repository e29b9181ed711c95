import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../config/paths.js';
import { loadManifest } from './manifest.js';
import { planInput, requestProblem } from './input-plan.js';

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
