import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { letterboxImage } from '../src/detect/image.js';
import type { Letterbox } from '../src/detect/types.js';
import { CAMPUS, ROOT, tempDir } from './helpers.js';

export interface TestFrame {
  name: string;
  /** Letterboxed to 416×416, planar gbrp (what a camera ring slot holds). */
  pixels: Uint8Array;
  letterbox: Letterbox;
}

let cached: Promise<TestFrame[]> | undefined;

/**
 * Five different real pictures as model input: two TUD-Campus frames (640×480, decoded by ffmpeg)
 * and the three COCO fixtures (other sizes, so other letterboxes).
 */
export function testFrames(): Promise<TestFrame[]> {
  cached ??= (async () => {
    const dir = tempDir('vantage-frames-');
    const paths: string[] = [];
    for (const at of [1, 2.5]) {
      const png = join(dir, `campus-${at}.png`);
      const r = spawnSync('ffmpeg', ['-v', 'error', '-ss', String(at), '-i', CAMPUS, '-frames:v', '1', '-y', png]);
      if (r.status !== 0) throw new Error(`ffmpeg could not extract a frame: ${r.stderr.toString()}`);
      paths.push(png);
    }
    const coco = resolve(ROOT, 'appliance/test/fixtures/coco');
    paths.push(...readdirSync(coco).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(coco, f)));
    return Promise.all(paths.map(async (p) => ({ name: p.split('/').pop()!, ...(await letterboxImage(p, 416, 416, 114)) })));
  })();
  return cached;
}
