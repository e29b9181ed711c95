/**
 * Issue 19, fault 1, measured: whether the boxes the live view draws belong to the picture on screen.
 * The real appliance on a file camera (TUD-Campus, looped), the built dashboard in real Chromium over
 * WebRTC. On a grid of moments the page waits for the next video frame to be presented and, in that
 * frame's requestVideoFrameCallback (after the player's own, which chose the boxes), takes the picture
 * (the <video> drawn to a canvas) and the boxes the overlay holds; the project's own detector runs on
 * each picture, and each person box drawn is matched against its detections (IoU).
 * Used by live-sync.test.ts (a quiet machine) and faults/live-sync-load.test.ts (a saturated one).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { DEFAULT_MODEL_MANIFEST } from '../src/config/paths.js';
import { validateConfig } from '../src/config/loader.js';
import { Detector } from '../src/detect/detector.js';
import { letterboxImage } from '../src/detect/image.js';
import type { Box } from '../src/math/box.js';
import { iou } from '../src/math/box.js';
import { silentLogger } from '../src/logger.js';
import { launchChromium } from './browser.js';
import { CAMPUS, MEDIA, signIn, tempDir, TEST_ADMIN, waitFor } from './helpers.js';

const PERSON = 0;
/** 90 kHz ticks a frame's RTP timestamp and its boxes' stamp may differ by and still be the same frame (player/rtp-lock.ts). */
const SAME_FRAME_TICKS = 6 * 90;

export interface Sample {
  png: string;
  width: number;
  height: number;
  /** The presented frame's RTP timestamp. */
  rtp: number | null;
  drawn: { seq: number; pts: number | null; rtp: number | null; tracks: Array<{ id: number; class: number; box: Box }> } | null;
}

/** In the page: at the next presented video frame of the first player in `scope`, its picture as PNG, its RTP timestamp and the overlay's boxes. */
const sampleScript = (scope = '') => `new Promise((resolve) => {
  const video = document.querySelector('${scope} .player video.live-media');
  const overlay = document.querySelector('${scope} .player .player-overlay');
  if (!video || !overlay || !video.videoWidth) return resolve(null);
  video.requestVideoFrameCallback((now, meta) => {
    const c = document.createElement('canvas');
    c.width = video.videoWidth;
    c.height = video.videoHeight;
    c.getContext('2d').drawImage(video, 0, 0);
    resolve({ png: c.toDataURL('image/png'), width: c.width, height: c.height, rtp: meta.rtpTimestamp ?? null, drawn: JSON.parse(overlay.dataset.drawn || 'null') });
  });
  setTimeout(() => resolve(null), 5000);
})`;

/** One sample of the player in `scope` (a CSS selector; '' for the first on the page), null if it shows no video. */
export async function takeSample(page: Page, scope = ''): Promise<Sample | null> {
  return (await page.evaluate(sampleScript(scope))) as Sample | null;
}

export interface SyncSummary {
  fps: number;
  samples: number;
  samplesWithPeople: number;
  samplesAllMatched: number;
  boxes: number;
  matched: number;
  /** Share of drawn person boxes with IoU >= 0.5 against a detection on the displayed picture. */
  share: number;
  /** Share of samples whose boxes are those of the very frame on screen (RTP timestamp and stamp under the peer's offset). */
  sameFrame: number;
  iou: { p10: number; p25: number; median: number; p75: number; min: number };
  /** Whether every drawn set named its frame (sequence number and the source's presentation time). */
  named: boolean;
  /** The machine's 1-minute load average at the start and end (2 cores). */
  load: [number, number];
}

export class LiveSyncRig {
  app!: Appliance;
  browser!: Browser;
  page!: Page;
  detector!: Detector;
  base = '';

  /** Starts the appliance (by default one looped TUD-Campus camera), a detector and Chromium signed in. */
  async start(cameras: Array<Record<string, unknown>> = [{ id: 'campus', name: 'Campus walkway', source: CAMPUS, loop: true }]): Promise<void> {
    this.app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: join(tempDir(), 'v.db'), media_dirs: [MEDIA] },
        analytics: { hourly_reports: false, daily_reports: false },
        detector: { workers: 1 },
        cameras,
      }),
      silentLogger(),
    );
    await this.app.start();
    this.base = `http://127.0.0.1:${this.app.address!.port}`;
    await signIn(this.base);
    this.detector = await Detector.create({ manifestPath: DEFAULT_MODEL_MANIFEST, provider: 'cpu', threads: 1, scoreThreshold: 0.3, classes: [] });
    this.browser = await launchChromium();
    const ctx = await this.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const login = await ctx.request.post(`${this.base}/api/v1/auth/login`, { data: { ...TEST_ADMIN, use_cookies: true } });
    expect(login.status()).toBe(200);
    this.page = await ctx.newPage();
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.detector?.close();
    await this.app?.stop();
  }

  /** Opens the cameras page, waits for the WebRTC picture with boxes, takes `samples` samples `everyMs` apart and scores them. */
  async measure(samples: number, everyMs: number): Promise<SyncSummary> {
    const load0 = loadavg()[0]!;
    const page = this.page;
    await page.goto(`${this.base}/#/cameras`);
    await waitFor('WebRTC picture', async () => ((await page.locator('.player').first().getAttribute('data-mode')) === 'webrtc' ? true : undefined), 60_000);
    await waitFor('boxes drawn', async () => (await takeSample(page))?.drawn?.tracks.length || undefined, 60_000);
    // The player learns the peer's RTP offset from its first frames; give it a few seconds.
    await new Promise((r) => setTimeout(r, 3000));
    const shown = async () => Number(await page.locator('.player').first().getAttribute('data-frames'));
    const [framesBefore, startedAt] = [await shown(), Date.now()];
    const taken: Sample[] = [];
    for (let i = 0; i < samples; i++) {
      await new Promise((r) => setTimeout(r, everyMs));
      const s = await takeSample(page);
      if (s) taken.push(s);
    }
    // The picture's rate (frames shown per second, counted by the player once a second): reported, not asserted.
    const fps = Math.round((((await shown()) - framesBefore) / ((Date.now() - startedAt) / 1000)) * 10) / 10;
    const dir = tempDir('vantage-sync-');
    const camera = (await (await fetch(`${this.base}/api/v1/cameras/campus`, { headers: { authorization: `Bearer ${await signIn(this.base)}` } })).json()) as { width: number; height: number };
    const ious: number[] = [];
    let samplesWithPeople = 0;
    let samplesAllMatched = 0;
    for (const [i, s] of taken.entries()) {
      const people = (s.drawn?.tracks ?? []).filter((t) => t.class === PERSON);
      if (!people.length) continue;
      samplesWithPeople++;
      const file = join(dir, `${i}.png`);
      writeFileSync(file, Buffer.from(s.png.split(',')[1]!, 'base64'));
      const img = await letterboxImage(file, this.detector.inputWidth, this.detector.inputHeight, this.detector.manifest.input.letterbox.padValue);
      const found = (await this.detector.detect({ frame: img.pixels, letterbox: img.letterbox })).detections.filter((d) => d.classId === PERSON);
      // Overlay boxes are in the camera's pixels; the displayed picture may be smaller.
      const sx = s.width / camera.width;
      const sy = s.height / camera.height;
      let all = true;
      for (const t of people) {
        const box = { x1: t.box.x1 * sx, y1: t.box.y1 * sy, x2: t.box.x2 * sx, y2: t.box.y2 * sy };
        const best = Math.max(0, ...found.map((d) => iou(box, d.box)));
        ious.push(best);
        if (best < 0.5) all = false;
      }
      if (all) samplesAllMatched++;
    }
    const matched = ious.filter((v) => v >= 0.5).length;
    const sorted = [...ious].sort((a, b) => a - b);
    const q = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 100) / 100;
    return {
      fps,
      samples: taken.length,
      samplesWithPeople,
      samplesAllMatched,
      boxes: ious.length,
      matched,
      share: Math.round((matched / Math.max(1, ious.length)) * 1000) / 1000,
      sameFrame: sameFrameShare(taken),
      iou: { p10: q(0.1), p25: q(0.25), median: q(0.5), p75: q(0.75), min: q(0) },
      named: taken.every((s) => s.drawn === null || (Number.isInteger(s.drawn.seq) && typeof s.drawn.pts === 'number')),
      load: [Math.round(load0 * 10) / 10, Math.round(loadavg()[0]! * 10) / 10],
    };
  }
}

/**
 * Share of samples whose drawn boxes are those of the presented frame: the peer's offset between RTP
 * timestamps and the daemon's stamps is the most common difference over the samples, and a sample is
 * its own frame's when its difference is that one (within a frame's stamp tolerance).
 */
function sameFrameShare(samples: readonly Sample[]): number {
  const diffs = samples.filter((s) => s.rtp !== null && s.drawn?.rtp != null).map((s) => (s.rtp! - s.drawn!.rtp!) >>> 0);
  if (!diffs.length) return 0;
  const near = (a: number, b: number) => Math.abs((a - b) | 0) <= SAME_FRAME_TICKS;
  const offset = diffs.reduce((best, d) => (diffs.filter((e) => near(e, d)).length > diffs.filter((e) => near(e, best)).length ? d : best), diffs[0]!);
  return Math.round((diffs.filter((d) => near(d, offset)).length / samples.length) * 1000) / 1000;
}

/** What every run asserts: enough samples with people, each drawn set names its frame, >= 90 % of boxes match. */
export function expectInStep(summary: SyncSummary, samples: number): void {
  expect(summary.samplesWithPeople, JSON.stringify(summary)).toBeGreaterThanOrEqual(samples / 2);
  expect(summary.named).toBe(true);
  expect(summary.share, JSON.stringify(summary)).toBeGreaterThanOrEqual(0.9);
}
