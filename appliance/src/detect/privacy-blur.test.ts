import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detail, differingOutside, pixels, variance } from '../../test/pixel-stats.js';
import { PACKAGE_ROOT } from '../config/paths.js';
import { blurRegions, FACE_REGION_SHARE, privacyOf, privacySchema, type PixelBox, type Region } from '../config/privacy.js';
import { blurJpeg } from './image.js';

const CAMPUS_DIR = resolve(PACKAGE_ROOT, 'appliance/media/mot15/TUD-Campus');

/** A real frame of TUD-Campus (decoded by ffmpeg) and its ground-truth person boxes (MOT gt.txt). */
function campusFrame(frame: number, dir: string): { jpeg: Buffer; boxes: PixelBox[] } {
  const out = join(dir, `f${frame}.jpg`);
  // MOT frames count from 1 at 25 fps.
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', join(CAMPUS_DIR, 'TUD-Campus.mp4'), '-vf', `select=eq(n\\,${frame - 1})`, '-frames:v', '1', '-q:v', '2', '-y', out]);
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
  const boxes = readFileSync(join(CAMPUS_DIR, 'gt.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number))
    .filter((f) => f[0] === frame)
    .map(([, , x, y, w, h]) => ({ x1: x! - 1, y1: y! - 1, x2: x! - 1 + w!, y2: y! - 1 + h! }));
  return { jpeg: readFileSync(out), boxes };
}

describe('privacy blur on a real frame with its ground-truth people', () => {
  let dir: string;
  let frame: { jpeg: Buffer; boxes: PixelBox[] };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vantage-blur-'));
    frame = campusFrame(30, dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('people: every person region loses its detail and variance; every pixel outside is that of the plain encoding', async () => {
    expect(frame.boxes.length).toBeGreaterThanOrEqual(3);
    const plain = await pixels(await blurJpeg(frame.jpeg, []));
    const regions = blurRegions('people', frame.boxes, plain.width, plain.height);
    expect(regions).toHaveLength(frame.boxes.length);
    const blurred = await pixels(await blurJpeg(frame.jpeg, regions));
    for (const r of regions) {
      expect(variance(blurred, r)).toBeLessThan(variance(plain, r));
      expect(detail(blurred, r)).toBeLessThan(detail(plain, r) * 0.5);
    }
    expect(differingOutside(plain, blurred, regions)).toBe(0);
    // …and the blur did change the picture where the people are.
    expect(differingOutside(plain, blurred, [])).toBeGreaterThan(1000);
  });

  it('faces_region: the upper part of each box is blurred, the legs below keep their detail', async () => {
    const plain = await pixels(await blurJpeg(frame.jpeg, []));
    const regions = blurRegions('faces_region', frame.boxes, plain.width, plain.height);
    const blurred = await pixels(await blurJpeg(frame.jpeg, regions));
    let legsChecked = 0;
    for (const [i, r] of regions.entries()) {
      const b = frame.boxes[i]!;
      expect(r.top + r.height).toBeLessThanOrEqual(Math.ceil(b.y1 + FACE_REGION_SHARE * (b.y2 - b.y1)));
      expect(detail(blurred, r)).toBeLessThan(detail(plain, r) * 0.5);
      // The lowest fifth of the box (feet), one JPEG block clear of the region, is as it was.
      const legs: Region = { left: Math.max(0, Math.floor(b.x1)), top: Math.floor(b.y2 - (b.y2 - b.y1) / 5), width: Math.floor(b.x2 - b.x1), height: Math.floor((b.y2 - b.y1) / 5) };
      legs.height = Math.min(legs.height, plain.height - legs.top);
      if (legs.top < r.top + r.height + 16 || legs.height < 4) continue;
      expect(detail(blurred, legs)).toBeCloseTo(detail(plain, legs), 0);
      legsChecked++;
    }
    expect(legsChecked).toBeGreaterThanOrEqual(2);
    expect(differingOutside(plain, blurred, regions)).toBe(0);
  });

  it('none blurs nothing; boxes outside the picture or empty give no region', () => {
    expect(blurRegions('none', frame.boxes, 640, 480)).toEqual([]);
    expect(blurRegions('people', [{ x1: 700, y1: 10, x2: 800, y2: 100 }, { x1: 10, y1: 10, x2: 10, y2: 50 }], 640, 480)).toEqual([]);
    const edge = blurRegions('people', [{ x1: -20, y1: -20, x2: 30, y2: 40 }], 640, 480)[0]!;
    expect(edge.left).toBe(0);
    expect(edge.top).toBe(0);
  });

  it('a camera\'s own keys replace the global privacy', () => {
    const g = privacySchema.parse({ blur: 'people' });
    expect(g).toEqual({ blur: 'people', metadata_only: false, classes: ['person'] });
    expect(privacyOf(g, { privacy: { metadata_only: true } })).toEqual({ blur: 'people', metadata_only: true, classes: ['person'] });
    expect(privacyOf(g, { privacy: { blur: 'none' } }).blur).toBe('none');
    expect(privacyOf(g, {})).toBe(g);
    expect(() => privacySchema.parse({ blur: 'faces' })).toThrow();
  });
});
