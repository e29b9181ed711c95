import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { ARTIFACTS, launchChromium, PageErrors, signInPage } from './browser.js';
import { api, json, STADTMITTE, tempDir, waitFor } from './helpers.js';

// A file session's own page in a real browser (issue 19): the file's name, its timeline in video
// time, and each event a jump of the player to that moment. The real appliance analyses an ffmpeg
// copy of TUD-Stadtmitte (25 fps) that carries a creation_time; Debian's Chromium shows the page.

const FPS = 25;
const RECORDED = '2024-11-05T16:20:00.000Z';
/** How far the player may be from an event after the jump: one frame, and what a seek to a frame may round. */
const SEEK_TOLERANCE_S = 1 / FPS + 0.05;

interface Ev { id: number; type: string; direction: string | null; offset_s: number; video_time: string | null }
interface Timeline { bucket_seconds: number; buckets: Array<{ crossings_in: number; crossings_out: number }>; events: Ev[] }

describe('session page in a real browser', () => {
  const dir = tempDir();
  const clip = join(dir, 'walkway.mp4');
  let app: Appliance;
  let base: string;
  let browser: Browser;
  let page: Page;
  let id: string;
  let timeline: Timeline;
  const errors = new PageErrors();

  beforeAll(async () => {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', STADTMITTE, '-c', 'copy', '-metadata', `creation_time=${RECORDED}`, clip]);
    app = new Appliance(validateConfig({ http: { port: 0 }, storage: { path: join(dir, 'v.db'), media_dirs: [dir] }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [] }), silentLogger());
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
    // Analysed through the API (api() creates the admin with the setup code), as fast as the detector goes.
    const post = (path: string, body?: unknown) => api(`${base}${path}`, json('POST', body));
    const created = await post('/api/v1/sessions', { file: clip, lines: [{ id: 'middle', name: 'Middle of the walkway', points: [[0.5, 0.2], [0.5, 0.98]] }] });
    id = ((await created.json()) as { id: string }).id;
    expect((await post(`/api/v1/sessions/${id}/start`)).status).toBe(202);
    await waitFor('session completed', async () => (((await (await api(`${base}/api/v1/sessions/${id}`)).json()) as { status: string }).status === 'completed' ? true : undefined), 120_000, 300);
    timeline = (await (await api(`${base}/api/v1/sessions/${id}/timeline`)).json()) as Timeline;
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-GB' });
    page = errors.watch(await ctx.newPage());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('opens from the list with the file name, charts the video time, and each event puts the player at its offset', async () => {
    const crossings = timeline.events.filter((e) => e.type === 'line.cross');
    expect(crossings.length).toBeGreaterThanOrEqual(2);
    expect(timeline.bucket_seconds).toBe(1);

    await signInPage(page, base);
    await page.goto(`${base}/#/sessions`);
    await page.locator(`tr[data-session="${id}"] [data-testid=open-session]`).click();
    await page.waitForURL(`**/#/sessions/${id}`);

    // The file's name, and when it was recorded (its creation_time), not when it was analysed.
    expect((await page.getByTestId('session-title').textContent())?.trim()).toBe('walkway.mp4');
    expect((await page.getByTestId('session-file').textContent())?.trim()).toBe('walkway.mp4');
    const clock = page.getByTestId('session-clock');
    await clock.waitFor();
    expect(await clock.getAttribute('data-start')).toBe(RECORDED);
    expect(await clock.textContent()).toContain('2024');
    // The timeline over the video: its legend totals are the session's crossings.
    const legend = (await page.getByTestId('session-timeline').locator('.u-legend').textContent()) ?? '';
    expect(legend).toContain(`In: ${timeline.buckets.reduce((a, b) => a + b.crossings_in, 0)}`);
    expect(legend).toContain(`Out: ${timeline.buckets.reduce((a, b) => a + b.crossings_out, 0)}`);

    // Each crossing is listed at its offset in video time; a click puts the player there.
    const player = page.getByTestId('session-player');
    for (const e of [crossings[crossings.length - 1]!, crossings[0]!]) {
      const item = page.locator(`[data-testid=session-events] li[data-event="${e.id}"]`);
      expect(Number(await item.getAttribute('data-offset'))).toBeCloseTo(e.offset_s, 3);
      const whole = Math.floor(e.offset_s);
      expect(await item.textContent()).toContain(`00:00:${String(whole).padStart(2, '0')}.`);
      await item.locator('button').click();
      const at = await waitFor(`the player at ${e.offset_s} s`, async () => {
        const v = await player.evaluate((el) => {
          const video = el as unknown as { currentTime: number; readyState: number; seeking: boolean };
          return { t: video.currentTime, ready: video.readyState >= 2 && !video.seeking };
        });
        return v.ready && Math.abs(v.t - e.offset_s) <= SEEK_TOLERANCE_S ? v.t : undefined;
      }, 30_000, 100);
      expect(Math.abs(at - e.offset_s)).toBeLessThanOrEqual(SEEK_TOLERANCE_S);
      expect(await item.getAttribute('class')).toContain('active');
    }
    await page.screenshot({ path: join(ARTIFACTS, 'session-page.png'), fullPage: true });
    expect(errors.take()).toEqual([]);
  }, 120_000);
});
