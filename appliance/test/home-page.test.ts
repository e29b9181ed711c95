import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import type { Overview } from '../src/api/overview-schema.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { AnalyticsStore, minuteRow } from '../src/store/analytics-store.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { launchChromium, PageErrors, signInPage } from './browser.js';
import { api, json, ROOT, signIn, STADTMITTE, tempDir, waitFor } from './helpers.js';

/**
 * Issue 18 on the home page, end to end: the real daemon on TUD-Stadtmitte (a queue zone with a
 * capacity, a zone with a capacity, an area over the counter line), the built dashboard in Debian's
 * Chromium, signed in through the page. The tiles' numbers must be the API's, formatted in the page's
 * language, at a desktop and a tablet size in English and Russian, with no overlapping or clipped text
 * (dashboard-probes.js, the check dashboard.test.ts uses). Minute counts of today and of the same time
 * last week are stored before the daemon starts (Moscow: no DST, so 7 local days back is 7 × 24 h), so
 * the figures run into the thousands and the grouping shows.
 */
const PROBES = resolve(ROOT, 'appliance/test/dashboard-probes.js');
const ARTIFACTS = resolve(ROOT, '.artifacts/home');
const TZ = 'Europe/Moscow';
const SIZES = [
  { width: 1366, height: 768 },
  { width: 820, height: 1180 },
];
const LOCALE = { en: 'en-GB', ru: 'ru-RU' } as const;

let app: Appliance;
let base: string;
let browser: Browser;
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;

/** A number as the page wrote it: grouping (a comma in English, a space in Russian) dropped, the decimal sign read, any minus sign. */
function parse(text: string, lang: 'en' | 'ru'): number {
  const t = text.replace(/[\s\u00a0\u202f%]/g, '').replace(/[−–]/, '-');
  return Number(lang === 'en' ? t.replace(/,/g, '') : t.replace(',', '.'));
}
const numbers = (text: string, lang: 'en' | 'ru') => (text.match(lang === 'en' ? /[+\-−]?\d[\d,]*(?:\.\d+)?/g : /[+\-−]?\d[\d\s\u00a0\u202f]*(?:,\d+)?/g) ?? []).map((x) => parse(x, lang));

async function text(loc: Locator): Promise<string> {
  return ((await loc.first().textContent({ timeout: 5000 })) ?? '').trim();
}

describe('home page: today vs. the same time last week, now vs. capacity, queues now', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dbPath = join(tempDir(), 'v.db');
    const db = openDatabase(dbPath);
    await migrateToLatest(db.db);
    const minute = Math.floor(Date.now() / 60_000);
    const row = (m: number, cin: number, cout: number) => minuteRow({ camera_id: 'stadtmitte', minute: m, kind: 'line', target: 'counter', class_name: 'person' }, { crossings_in: cin, crossings_out: cout });
    await new AnalyticsStore(db.db).write({ events: [], minutes: [row(minute, 1234, 1100), row(minute - 7 * 1440, 1000, 1250)], heatmaps: [] });
    await db.close();
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: dbPath },
        analytics: {
          hourly_reports: false,
          daily_reports: false,
          occupancy: { areas: [{ id: 'walkway', name: 'Walkway area', capacity: 5, lines: [{ camera: 'stadtmitte', line: 'counter' }], inside: [{ camera: 'stadtmitte', zone: 'queue' }] }] },
        },
        detector: { classes: ['person'] },
        cameras: [
          {
            id: 'stadtmitte',
            name: 'Stadtmitte square',
            source: STADTMITTE,
            loop: false,
            zones: [
              { id: 'queue', name: 'Till queue', points: [[0.3, 0.45], [0.875, 0.45], [0.875, 0.75], [0.3, 0.75]], queue: true, service_line: 'counter', capacity: 2 },
              { id: 'square', name: 'Whole square', points: [[0, 0.3], [1, 0.3], [1, 1], [0, 1]], capacity: 40 },
            ],
            lines: [{ id: 'counter', name: 'Counter', points: [[0.875, 0.4], [0.875, 0.8]] }],
          },
        ],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
    await signIn(base);
    expect((await api(`${base}/api/v1/settings`, json('PUT', { timezone: TZ }))).status).toBe(200);
    browser = await launchChromium();
    // Signed in through the page, once; the other contexts start with its cookies.
    const ctx = await browser.newContext({ viewport: SIZES[0], locale: 'en-GB' });
    const page = await ctx.newPage();
    await signInPage(page, base);
    signedIn = await ctx.storageState();
    await ctx.close();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** The overview once the clip has ended and its last minute counts are written: two answers 6 s apart agree. */
  async function settled(): Promise<Overview> {
    const figures = (o: Overview) => JSON.stringify([o.site, o.cameras.map((c) => [c.compare, c.capacity, c.queues])]);
    let last = '';
    return waitFor('the figures to settle after the clip', async () => {
      const o = (await (await api(`${base}/api/v1/overview`)).json()) as Overview;
      const now = figures(o);
      const same = now === last && o.cameras[0]!.status !== 'online';
      last = now;
      return same ? o : undefined;
    }, 90_000, 6000);
  }

  it('the API has the figures the tiles need', async () => {
    const o = await settled();
    expect(o.timezone).toBe(TZ);
    const cam = o.cameras[0]!;
    // The stored minutes and the clip's own crossings of the counter line.
    expect(cam.compare.today.in).toBeGreaterThanOrEqual(1234);
    expect(cam.compare.last_week).toEqual({ in: 1000, out: 1250 });
    expect(o.site.compare).toEqual(cam.compare);
    expect(o.site.capacity.map((a) => [a.id, a.name, a.capacity])).toEqual([['walkway', 'Walkway area', 5]]);
    expect(cam.capacity.map((z) => [z.id, z.name, z.capacity])).toEqual([['queue', 'Till queue', 2], ['square', 'Whole square', 40]]);
    expect(cam.queues.map((q) => [q.id, q.name])).toEqual([['queue', 'Till queue']]);
  }, 120_000);

  for (const lang of ['en', 'ru'] as const) {
    for (const size of SIZES) {
      it(`${lang} at ${size.width}×${size.height}: the tiles show the API's numbers, no text overlaps`, async () => {
        const o = await settled();
        const locale = LOCALE[lang];
        const ctx = await browser.newContext({ viewport: size, locale, storageState: signedIn });
        await ctx.addInitScript({ path: PROBES });
        await ctx.addInitScript(`localStorage.setItem('vantage.lang', '${lang}')`);
        const errors = new PageErrors();
        try {
          const page: Page = errors.watch(await ctx.newPage());
          await page.goto(`${base}/#/cameras`);
          const site = page.getByTestId('site-figures');
          await site.waitFor({ timeout: 20_000 });
          const tile = page.locator('.tile[data-camera=stadtmitte]');
          await tile.getByTestId('tile-compare').waitFor();
          await page.waitForLoadState('networkidle').catch(() => undefined);

          // Today, the same time last week and the change, for the site and on the tile.
          const sc = site.getByTestId('site-compare');
          const c = o.site.compare;
          expect(await text(sc.getByTestId('today-in'))).toBe(c.today.in.toLocaleString(locale));
          expect(parse(await text(sc.getByTestId('today-out')), lang)).toBe(c.today.out);
          expect(await text(sc.getByTestId('week-in'))).toBe((1000).toLocaleString(locale));
          expect(parse(await text(sc.getByTestId('week-out')), lang)).toBe(1250);
          for (const dir of ['in', 'out'] as const) {
            expect(parse(await text(sc.getByTestId(`change-${dir}`)), lang)).toBe(c.change[dir].abs);
            const pct = c.change[dir].pct!;
            expect(await text(sc.getByTestId(`change-${dir}-pct`))).toBe((pct / 100).toLocaleString(locale, { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 1 }));
          }
          const cam = o.cameras[0]!;
          expect(numbers(await text(tile.getByTestId('today-in-out')), lang)).toEqual([cam.compare.today.in, cam.compare.today.out]);
          const tc = tile.getByTestId('tile-compare');
          expect([parse(await text(tc.getByTestId('week-in')), lang), parse(await text(tc.getByTestId('week-out')), lang)]).toEqual([1000, 1250]);
          expect(parse(await text(tc.getByTestId('change-in')), lang)).toBe(cam.compare.change.in.abs);
          // The windows in the site's time zone and the page's language: today up to now, last week's weekday.
          const windows = await text(site.getByTestId('site-windows'));
          expect(windows).toContain(new Date(o.windows.last_week_from).toLocaleString(locale, { timeZone: TZ, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }));
          expect(windows).toContain(lang === 'en' ? 'Today' : 'Сегодня');

          // Now vs. capacity (names, not ids) and the queue now.
          for (const [where, list, prefix] of [[site.getByTestId('site-capacity'), o.site.capacity, 'a'], [tile.getByTestId('tile-capacity'), cam.capacity, 'z']] as const) {
            for (const g of list) {
              const item = where.locator(`[data-gauge="${prefix}-${g.id}"]`);
              expect(await text(item.getByTestId('gauge-name'))).toBe(g.name);
              expect(numbers(await text(item.getByTestId('gauge-count')), lang)).toEqual([g.occupancy, g.capacity]);
              expect(Number(await item.getByRole('progressbar').getAttribute('aria-valuenow'))).toBe(Math.round(Math.min(100, g.percent)));
            }
          }
          const q = cam.queues[0]!;
          const queue = tile.locator('[data-queue="q-queue"]');
          expect(await text(queue.getByTestId('queue-name'))).toBe(q.name);
          expect(numbers(await text(queue.getByTestId('queue-now')), lang)).toEqual([q.length, Math.round(q.estimated_wait_seconds)]);
          expect(await text(tile.locator('th[scope=col]').first())).toBe(lang === 'en' ? 'In' : 'Вход');

          await page.screenshot({ path: join(ARTIFACTS, `home-${size.width}x${size.height}-${lang}.png`), fullPage: true });
          expect(await page.evaluate('__probe.overflowX()'), 'the page must not scroll sideways').toBeLessThanOrEqual(0);
          expect(await page.evaluate('__probe.textProblems()')).toEqual([]);
          expect(errors.take()).toEqual([]);
        } finally {
          await ctx.close();
        }
      }, 150_000);
    }
  }
});
