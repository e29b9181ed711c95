import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { WEB_UI_DIR } from '../src/config/paths.js';
import { silentLogger } from '../src/logger.js';
import { VERSION } from '../src/version.js';
import { CAMPUS, ROOT, setupCodeOf, signIn, tempDir, TEST_ADMIN, waitFor } from './helpers.js';

// The LAN dashboard end to end: the real appliance in this process, the built web-ui/dist it
// serves, and a real headless Chromium (Debian's, installed by `make test`) driven by playwright-core.

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(ROOT, '.artifacts/dashboard');
const PROBES = resolve(ROOT, 'appliance/test/dashboard-probes.js');
const VIEWER = { username: 'watcher', password: 'watching the walkway 42' };
const DESKTOP = { width: 1366, height: 768 };
/** TUD-Campus.mp4: 71 frames at 25 fps. */
const CAMPUS_SECONDS = 71 / 25;

let app: Appliance;
let base: string;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
/** Console errors and uncaught page errors of every page opened, checked after each test. */
let errors: string[] = [];
/** Whether the daemon serves WebRTC yet (another part of the product; asked once the admin exists). */
let webrtcMissing: boolean | undefined;

async function newContext(viewport = DESKTOP, opts: { signedInAs?: BrowserContext; initScript?: string } = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport, locale: 'en-GB', ...(opts.signedInAs ? { storageState: await opts.signedInAs.storageState() } : {}) });
  await ctx.addInitScript({ path: PROBES });
  if (opts.initScript) await ctx.addInitScript(opts.initScript);
  return ctx;
}

function watch(p: Page): Page {
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} @ ${m.location().url}`);
  });
  p.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return p;
}

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  expect(await p.evaluate('__probe.overflowX()'), `${name}: the page must not scroll sideways`).toBeLessThanOrEqual(0);
}

/** Waits until the element's text passes `ok` (default: any) and returns it. */
async function textOf(loc: Locator, ok: (t: string) => boolean = () => true, timeout = 15_000): Promise<string> {
  return waitFor(`text of ${loc.toString()}`, async () => {
    const t = ((await loc.first().textContent({ timeout: 1000 })) ?? '').trim();
    return ok(t) ? t : undefined;
  }, timeout);
}

/** Waits until the element's attribute passes `ok` and returns it. */
async function attrOf(loc: Locator, name: string, ok: (v: string) => boolean, timeout = 15_000): Promise<string> {
  return waitFor(`${name} of ${loc.toString()}`, async () => {
    const v = await loc.first().getAttribute(name, { timeout: 1000 });
    return v !== null && ok(v) ? v : undefined;
  }, timeout);
}

const visible = (loc: Locator, timeout = 15_000) => loc.first().waitFor({ state: 'visible', timeout });

const num = async (p: Page, selector: string): Promise<number> => Number((await p.locator(selector).first().textContent())?.replace(/[^\d.-]/g, '') || NaN);

/** The status of a write to the API as this browser context (its cookies and CSRF token). */
async function write(ctx: BrowserContext, method: 'POST' | 'PUT', path: string, data: unknown): Promise<number> {
  const csrf = (await ctx.cookies(base)).find((c) => c.name === 'vantage_csrf')?.value ?? '';
  const res = await ctx.request.fetch(`${base}${path}`, { method, data: data as Record<string, unknown>, headers: { 'x-csrf-token': csrf } });
  return res.status();
}

describe('LAN dashboard in a real browser', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: \`make test\` installs it (apt-get install chromium)`);
    if (!existsSync(join(WEB_UI_DIR, 'index.html'))) throw new Error(`${WEB_UI_DIR}/index.html is missing: build the dashboard with \`make build\``);
    mkdirSync(ARTIFACTS, { recursive: true });
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: join(tempDir(), 'v.db') },
        analytics: { hourly_reports: false, daily_reports: false },
        cameras: [{ id: 'campus', name: 'Campus walkway', source: CAMPUS, loop: true }],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    admin = await newContext();
    page = watch(await admin.newPage());
  });

  afterEach(() => {
    const seen = errors;
    errors = [];
    expect(seen, 'browser console errors').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('first-run setup through the page; the camera tile goes online with fps, boxes and a live picture', async () => {
    await page.goto(base);
    const form = page.getByTestId('setup-form');
    await form.waitFor();
    // The page names where the one-time setup code is; a wrong code is refused on the page, the right one (as the operator reads it from the box) works.
    const code = (await setupCodeOf(base))!;
    expect(await form.textContent()).toContain('setup-code');
    await form.locator('input[name=setup_code]').fill('AAAA-BBBB-CCCC');
    await form.locator('input[name=username]').fill(TEST_ADMIN.username);
    await form.locator('input[name=password]').fill(TEST_ADMIN.password);
    await form.locator('input[name=confirm]').fill(TEST_ADMIN.password);
    await form.locator('button[type=submit]').click();
    expect(await textOf(form.locator('.error'), (t) => t.includes('setup code'))).toContain('Wrong setup code');
    // Chromium logs the refused request itself (403); that one line is expected, nothing else is.
    errors = errors.filter((e) => !(/Failed to load resource.* 403/.test(e) && e.endsWith('/api/v1/auth/setup')));
    await form.locator('input[name=setup_code]').fill(code);
    await shot(page, 'setup');
    await form.locator('button[type=submit]').click();
    expect(await textOf(page.getByTestId('whoami'), (t) => t.includes('admin'))).toContain('admin');
    await probeLiveVideo();
    const tile = page.locator('.tile[data-camera=campus]');
    await tile.locator('.badge[data-status=online]').waitFor({ timeout: 30_000 });
    await waitFor('fps > 0 on the tile', async () => ((await num(page, '.tile[data-camera=campus] [data-testid=fps]')) > 0 ? true : undefined), 20_000);
    // Tracks arrive over the live WebSocket and are drawn over the picture.
    await waitFor('track boxes on the tile', async () => (Number(await tile.locator('.player').getAttribute('data-boxes')) > 0 ? true : undefined), 20_000);
    await waitFor('boxes drawn on the overlay', async () => ((await page.evaluate('__probe.inked(".tile[data-camera=campus] .player-overlay")')) as number) > 0.001 || undefined, 10_000);
    // The picture comes by one of the three ways and the tile says which.
    const mode = await waitFor('a live picture', async () => {
      const m = await tile.locator('.player').getAttribute('data-mode');
      return m === 'webrtc' || m === 'mpeg1' || m === 'snapshot' ? m : undefined;
    }, 20_000);
    expect(await textOf(tile.getByTestId('video-mode'))).toBe({ webrtc: 'WebRTC', mpeg1: 'MPEG-1', snapshot: 'snapshots' }[mode]);
    if (mode === 'snapshot') {
      await waitFor('a snapshot shown', async () => (((await page.evaluate('__probe.imageStats(".tile[data-camera=campus] img.live-media")')) as { std: number } | null)?.std ?? 0) > 5 || undefined, 10_000);
    }
    await shot(page, 'cameras');
  }, 90_000);

  it('plays the camera over WebRTC: the <video> clock runs and frames are decoded', async (ctx) => {
    ctx.skip(webrtcMissing !== false, 'POST /api/v1/cameras/:id/webrtc answers 404: the WebRTC endpoint is not implemented yet');
    const tile = page.locator('.tile[data-camera=campus]');
    await waitFor('WebRTC mode', async () => ((await tile.locator('.player').getAttribute('data-mode')) === 'webrtc' ? true : undefined), 20_000);
    const first = (await page.evaluate('__probe.webrtc()')) as { currentTime: number; framesDecoded: number };
    await new Promise((r) => setTimeout(r, 2000));
    const later = (await page.evaluate('__probe.webrtc()')) as { currentTime: number; framesDecoded: number };
    expect(later.currentTime).toBeGreaterThan(first.currentTime);
    expect(later.framesDecoded).toBeGreaterThan(0);
    expect(await textOf(tile.getByTestId('video-mode'))).toBe('WebRTC');
    // Leaving the page closes the connection (the daemon stops its live encoder when nobody watches).
    await page.goto(`${base}/#/system`);
    await waitFor('peer connections closed', async () => ((await page.evaluate('window.__peers.every((pc) => pc.connectionState === "closed")')) ? true : undefined), 10_000);
  }, 60_000);

  it('falls back to MPEG-1 (JSMpeg) without WebRTC, and to snapshots without either, saying which on the tile', async () => {
    // Each tile picture, decoded from a screenshot: a moving camera picture, not a blank.
    const pictureStd = async (p: Page) => {
      const png = await p.locator('.tile[data-camera=campus] .player').screenshot();
      const { channels } = await sharp(png).stats();
      return channels.slice(0, 3).reduce((a, c) => a + c.stdev, 0) / 3;
    };
    const cases = [
      { name: 'mpeg1', badge: 'MPEG-1', script: 'delete window.RTCPeerConnection;' },
      // No WebRTC, and the MPEG-1 WebSocket refused: snapshots every second.
      {
        name: 'snapshot',
        badge: 'snapshots',
        script: `delete window.RTCPeerConnection; { const WS = window.WebSocket; window.WebSocket = class extends WS { constructor(url, p) { if (String(url).includes('/mpeg1')) throw new Error('blocked by the test'); super(url, p); } }; }`,
      },
    ];
    for (const c of cases) {
      const ctx = await newContext(DESKTOP, { signedInAs: admin, initScript: c.script });
      try {
        const p = watch(await ctx.newPage());
        await p.goto(`${base}/#/cameras`);
        const player = p.locator('.tile[data-camera=campus] .player');
        await attrOf(player, 'data-mode', (m) => m === c.name, 20_000);
        expect(await textOf(p.locator('.tile[data-camera=campus] [data-testid=video-mode]'))).toBe(c.badge);
        const first = Number(await attrOf(player, 'data-frames', (n) => Number(n) > 0, 10_000));
        await waitFor(`${c.name} frames keep coming`, async () => (Number(await player.getAttribute('data-frames')) >= first + 2 ? true : undefined), 10_000);
        expect(await pictureStd(p)).toBeGreaterThan(10);
        await shot(p, `cameras-${c.name}`);
      } finally {
        await ctx.close();
      }
    }
  }, 90_000);

  it('draws a zone on the camera page and saves it; after a reload it is still there and its count shows', async () => {
    await page.goto(`${base}/#/cameras/campus?tab=zones`);
    const svg = page.getByTestId('zone-canvas');
    await svg.waitFor();
    await page.locator('.editor-stage img.editor-bg').waitFor();
    await page.getByTestId('add-zone').click();
    const box = (await svg.boundingBox())!;
    // The lower 70% of the picture, where people walk.
    for (const [x, y] of [[0.02, 0.3], [0.98, 0.3], [0.98, 0.98], [0.02, 0.98]] as const) {
      await page.mouse.click(box.x + x * box.width, box.y + y * box.height);
    }
    await page.getByTestId('finish-shape').click();
    await visible(page.locator('[data-zone-item=zone-1]'));
    await page.getByTestId('save-shapes').click();
    await visible(page.locator('.notice'));
    // Saved on the daemon, in normalised coordinates.
    const zones = ((await (await admin.request.get(`${base}/api/v1/cameras/campus/zones`)).json()) as { zones: Array<{ id: string; points: number[][] }> }).zones;
    expect(zones.map((z) => z.id)).toEqual(['zone-1']);
    expect(zones[0]!.points).toHaveLength(4);
    expect(zones[0]!.points[0]![0]).toBeCloseTo(0.02, 1);
    expect(zones[0]!.points[2]![1]).toBeCloseTo(0.98, 1);

    await page.reload();
    await visible(page.locator('[data-zone-item=zone-1]'));
    await visible(page.locator('g[data-zone=zone-1] polygon'));
    // Its live occupancy: people walk through the lower part of the campus clip all the time.
    const count = page.locator('tr[data-zone=zone-1] [data-testid=zone-count]');
    await waitFor('people counted in the zone', async () => (Number(await count.textContent()) > 0 ? true : undefined), 30_000);
    await shot(page, 'zones');
    await page.goto(`${base}/#/cameras/campus`);
    await attrOf(page.locator('.camera-main .player'), 'data-mode', (m) => ['webrtc', 'mpeg1', 'snapshot'].includes(m), 20_000);
    await waitFor('zone count on the live tab', async () => (Number(await page.locator('tr[data-zone=zone-1] [data-testid=zone-count]').textContent()) >= 0 ? true : undefined));
    await shot(page, 'camera');
    // Named (through the API here; the editor renames too): the tiles show the name, the API keeps the id.
    expect(await write(admin, 'PUT', '/api/v1/cameras/campus/zones', { zones: zones.map((z) => ({ ...z, name: 'Entrance' })) })).toBe(200);
    await page.goto(`${base}/#/cameras`);
    await textOf(page.locator('.tile[data-camera=campus] li[data-zone=zone-1]'), (t) => t.startsWith('Entrance:'), 30_000);
  }, 90_000);

  it('shows the camera heatmap: the image loads, is not blank, and its hottest cell is drawn in the hot colour', async () => {
    await page.goto(`${base}/#/cameras/campus?tab=heatmap`);
    const img = page.getByTestId('heatmap-img');
    const at = async (opacity: string) => {
      await page.getByTestId('heat-opacity').fill(opacity);
      await attrOf(img, 'data-src-opacity', (v) => v === opacity);
      await waitFor(`heatmap at opacity ${opacity}`, async () => ((await page.evaluate('__probe.imageStats("[data-testid=heatmap-img]")')) ? true : undefined));
      return new URL((await img.getAttribute('src'))!, base);
    };
    type Grid = { width: number; height: number; max: number; values: number[] };
    const gridOf = async (src: URL) =>
      (await (await admin.request.get(`${base}/api/v1/cameras/campus/heatmap?${src.searchParams.toString().replace(/&?(opacity|scale)=[^&]*/g, '')}`)).json()) as Grid;
    // The grid behind the picture, read just before and just after it was drawn: the same hottest
    // cell both times means the picture was drawn from that grid (analytics flush every 5 s).
    let src = new URL((await img.getAttribute('src'))!, base);
    let grid: Grid | undefined;
    for (let i = 0; !grid && i < 10; i++) {
      const before = await gridOf(src);
      src = await at(i % 2 ? '0.95' : '1');
      const after = await gridOf(src);
      if (after.max > 0 && after.max === before.max && after.values.indexOf(after.max) === before.values.indexOf(before.max)) grid = after;
      else await new Promise((r) => setTimeout(r, 1000));
    }
    expect(grid, 'heat recorded where people walked').toBeDefined();
    const stats = (await page.evaluate('__probe.imageStats("[data-testid=heatmap-img]")')) as { width: number; height: number; std: number };
    expect([stats.width, stats.height]).toEqual([640, 480]);
    expect(stats.std).toBeGreaterThan(10); // a picture, not a blank
    const hottest = grid!.values.indexOf(grid!.max);
    const x = Math.floor(((hottest % grid!.width) + 0.5) * (640 / grid!.width));
    const y = Math.floor((Math.floor(hottest / grid!.width) + 0.5) * (480 / grid!.height));
    // The top of the turbo colour map (v ≥ 0.8) is a deep red-orange: from (237, 82, 15) to (122, 4, 3).
    const topOfMap = ([r, g, b]: number[]) => r! > 110 && g! < 110 && b! < 40 && r! > 1.8 * g!;
    // At full opacity the hottest cell's centre has that colour …
    const hot = (await page.evaluate(`__probe.pixelAt("[data-testid=heatmap-img]", ${x}, ${y})`)) as number[];
    expect(topOfMap(hot), `pixel ${hot.join(',')} at ${x},${y}`).toBe(true);
    // … and at opacity 0 it is the camera picture again.
    await at('0');
    const plain = (await page.evaluate(`__probe.pixelAt("[data-testid=heatmap-img]", ${x}, ${y})`)) as number[];
    expect(topOfMap(plain), `pixel ${plain.join(',')} at ${x},${y}`).toBe(false);
    await at('0.6');
    await page.getByTestId('heat-traffic').click();
    await attrOf(img, 'src', (v) => v.includes('kind=traffic'));
    await shot(page, 'heatmap');
  }, 90_000);

  it('runs a session on a bundled clip: progress reaches 100 % and its report opens with counts and a CSV', async () => {
    await page.goto(`${base}/#/sessions`);
    await page.getByTestId('session-path').fill(CAMPUS);
    await page.getByTestId('session-zones-from').selectOption('campus');
    await page.getByTestId('create-session').click();
    const row = page.locator('[data-testid=session-list] tr[data-session]').first();
    await row.waitFor();
    const seen = new Set<string>();
    await waitFor('the session to complete', async () => {
      seen.add((await row.getAttribute('data-status')) ?? '');
      return (await row.getAttribute('data-status')) === 'completed' ? true : undefined;
    }, 120_000, 100);
    expect(await attrOf(row.getByRole('progressbar'), 'aria-valuenow', () => true)).toBe('100');
    await shot(page, 'sessions');
    await row.getByTestId('open-report').click();
    const total = page.getByTestId('report-total');
    await total.waitFor();
    expect(Number(await total.textContent())).toBeGreaterThan(0);
    // Visitors: tracks stitched into people — some, and no more than the tracks of the finished clip.
    const visitors = Number(await page.getByTestId('report-visitors').textContent());
    expect(visitors).toBeGreaterThan(0);
    expect(visitors).toBeLessThanOrEqual(Number(await total.textContent()));
    expect(await textOf(page.locator('[data-testid=report-zones] td'))).toContain('Entrance'); // the zone's name
    expect(await page.locator('[data-testid=report-zones] [data-zone=zone-1]').count()).toBe(1);
    await visible(page.locator('[data-testid=chart-counts] canvas'));
    const csv = await admin.request.get(`${base}${await page.getByTestId('csv-link').getAttribute('href')}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\n')[0]).toContain('time');
    // In video time: the file's name, its events at offsets inside the clip, each a jump in the player.
    expect(await textOf(page.getByTestId('session-file'))).toBe('TUD-Campus.mp4');
    const marks = page.locator('[data-testid=session-events] li[data-offset]');
    await visible(marks);
    const offsets = (await marks.evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-offset'))))) as number[];
    expect(offsets.length).toBeGreaterThan(0);
    for (const o of offsets) expect(o).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThanOrEqual(CAMPUS_SECONDS + 0.5); // analysed faster or slower, never past the clip
    await marks.last().locator('button').click();
    const player = page.getByTestId('session-player');
    await waitFor('the player at the event', async () => (Math.abs((await player.evaluate((v) => (v as unknown as { currentTime: number }).currentTime)) - offsets[offsets.length - 1]!) < 0.25 ? true : undefined));
    await shot(page, 'report');

    // The same clip uploaded from this computer, created without starting, then started from the list.
    await page.goto(`${base}/#/sessions`);
    await page.getByRole('button', { name: 'Upload a video' }).click();
    await page.getByTestId('session-file').setInputFiles(CAMPUS);
    await page.locator('[data-testid=new-session] input[type=checkbox]').uncheck();
    await page.getByTestId('create-session').click();
    const uploaded = page.locator('[data-testid=session-list] tr[data-session]').first();
    await attrOf(uploaded, 'data-status', (st) => st === 'created');
    expect(await uploaded.locator('td').first().textContent()).toBe('TUD-Campus.mp4');
    expect(await page.locator('[data-testid=session-list] tr[data-session]').count()).toBe(2);
    await uploaded.getByRole('button', { name: 'Start' }).click();
    await attrOf(uploaded, 'data-status', (st) => st === 'completed', 120_000);
    await visible(uploaded.getByTestId('open-report'));
  }, 240_000);

  it('generates a report of the last 24 hours of the live camera from the Analytics page', async () => {
    await page.goto(`${base}/#/analytics`);
    await page.getByTestId('generate-report').getByRole('button', { name: 'Generate report' }).click();
    await page.getByTestId('report-total').waitFor();
    expect(Number(await page.getByTestId('report-total').textContent())).toBeGreaterThan(0);
    expect(await textOf(page.locator('[data-testid=report-zones]'))).toContain('Entrance');
    const id = await page.getByTestId('report').getAttribute('data-report');
    await page.goto(`${base}/#/analytics`);
    // Listed with the sessions' reports, newest first.
    const kinds = await waitFor('the reports listed', async () => {
      const k = await page.getByTestId('report-list').locator('tbody tr td:first-child').allTextContents();
      return k.length === 3 ? k : undefined;
    });
    expect(kinds).toEqual(['Range', 'Session', 'Session']);
    expect(await page.getByTestId('report-list').locator('tbody tr').first().locator('a').getAttribute('href')).toBe(`#/reports/${id}`);
    await shot(page, 'analytics');
  }, 60_000);

  it('lists events filtered by camera and type, by camera and zone name, never with the camera\'s current picture as their thumbnail', async () => {
    await page.goto(`${base}/#/events`);
    await page.getByTestId('filter-camera').selectOption('campus');
    await page.getByTestId('filter-type').selectOption('zone.enter');
    await page.getByTestId('apply-filters').click();
    const rows = page.locator('[data-testid=event-list] tbody tr');
    // The unfiltered list shows first; then only zone entries of that camera.
    const types = await waitFor('only zone entries listed', async () => {
      const t = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-type')));
      return t.length > 0 && t.every((x) => x === 'zone.enter') ? t : undefined;
    }, 20_000);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(await rows.locator('td[data-camera]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-camera'))))).toEqual(new Set(['campus']));
    expect(new Set(await rows.locator('td[data-camera]').allTextContents())).toEqual(new Set(['Campus walkway'])); // the name, not the id
    // The zone drawn earlier is named "Entrance" on the zones tab: events say so, not zone-1.
    expect(new Set(await rows.locator('td[data-target]').allTextContents())).toEqual(new Set(['Entrance']));
    expect(await page.locator('[data-testid=event-list] img[src*="snapshot"]').count()).toBe(0);
    // Issue 17: a thumbnail is the event's own recorded frame; campus is not recorded here, so its rows
    // show the empty placeholder (review-dashboard.test covers recorded ones).
    await visible(rows.first().locator('.thumb.none'));
    expect(await rows.locator('img.thumb').count()).toBe(0);
    await shot(page, 'events');

    // Every event, 50 a page, and the next page after the cursor.
    await page.getByTestId('filter-type').selectOption('');
    await page.getByTestId('apply-filters').click();
    const more = page.getByTestId('load-more');
    await waitFor('more than a page of events', async () => {
      if (await more.count()) return true;
      await page.getByTestId('apply-filters').click(); // people keep walking in and out
      return undefined;
    }, 30_000, 2000);
    expect(await rows.count()).toBe(50);
    await more.click();
    await waitFor('the second page', async () => ((await rows.count()) > 50 ? true : undefined));
    const ids = (await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-event'))))) as number[];
    expect(new Set(ids).size).toBe(ids.length); // no event twice
    // Newest first in strict time order across the pages (the id breaks ties), as the API gives them.
    const api = (await (await admin.request.get(`${base}/api/v1/events?limit=1000`)).json()) as { events: Array<{ id: number }> };
    const order = api.events.map((e) => e.id).filter((id) => ids.includes(id));
    expect(ids.filter((id) => order.includes(id))).toEqual(order);
  }, 60_000);

  it('shows the system: version, uptime, per-camera fps and the outbox', async () => {
    await page.goto(`${base}/#/system`);
    expect(await textOf(page.getByTestId('version'))).toBe(VERSION);
    expect(await textOf(page.getByTestId('uptime'))).toMatch(/^\d+[dhms]/);
    await waitFor('camera fps on the system page', async () => ((await num(page, '[data-testid=system-cameras] tr[data-camera=campus] [data-testid=fps]')) > 0 ? true : undefined), 15_000);
    expect(await textOf(page.getByTestId('outbox-depth'))).toMatch(/^\d+$/);
    await shot(page, 'system');
  }, 60_000);

  it('edits alert rules on the Alerts page', async (ctx) => {
    const doc = (await (await admin.request.get(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    ctx.skip(!doc.paths['/api/v1/alert-rules'], 'the daemon has no /api/v1/alert-rules yet');
    await page.goto(`${base}/#/alerts`);
    await page.getByTestId('new-rule').click();
    await page.getByTestId('rule-name').fill('Crowd on the walkway');
    // Zones are chosen from a list of the ones that exist, by name.
    expect(await page.getByTestId('rule-zone').locator('option').allTextContents()).toContain('Entrance (zone-1)');
    await page.getByTestId('rule-zone').selectOption('zone-1');
    await page.getByTestId('save-rule').click();
    await textOf(page.getByTestId('rule-list'), (t) => t.includes('Crowd on the walkway'));
    const rules = ((await (await admin.request.get(`${base}/api/v1/alert-rules`)).json()) as { rules: Array<{ name: string; type: string; zone?: string }> }).rules;
    expect(rules).toEqual([expect.objectContaining({ name: 'Crowd on the walkway', type: 'occupancy', zone: 'zone-1' })]);
    await visible(page.getByTestId('telegram'));
    await shot(page, 'alerts');
  }, 60_000);

  it('marks a rule whose zone was removed; MQTT reads "not configured"; the live dot stays green on a page without live data', async () => {
    const zones = ((await (await admin.request.get(`${base}/api/v1/cameras/campus/zones`)).json()) as { zones: unknown[] }).zones;
    expect(await write(admin, 'PUT', '/api/v1/cameras/campus/zones', { zones: [] })).toBe(200);
    await page.goto(`${base}/#/alerts`);
    await page.reload(); // the previous test ended on this page
    await visible(page.locator('[data-testid=rule-list] tr[data-missing=true] [data-testid=rule-missing]'));
    await shot(page, 'alerts-missing-target');
    expect(await write(admin, 'PUT', '/api/v1/cameras/campus/zones', { zones })).toBe(200);
    await page.reload();
    await page.getByTestId('rule-list').waitFor();
    expect(await page.locator('[data-testid=rule-missing]').count()).toBe(0);
    // The rule list reads the zone's name.
    expect(await page.getByTestId('rule-list').textContent()).toContain('Entrance');

    await page.goto(`${base}/#/system`);
    expect(await textOf(page.locator('[data-testid=outbox] .badge').first())).toBe('not configured');
    // The Users page needs no live data; the top bar keeps the connection (and its dot) up all the same.
    await page.goto(`${base}/#/users`);
    await page.locator('tr[data-user]').first().waitFor();
    await new Promise((r) => setTimeout(r, 5000));
    expect(await page.locator('[data-live]').getAttribute('data-live')).toBe('open');

    // The first screen answers "how is the site doing": today's in/out, who is in the zones, the last hour's events.
    await page.goto(`${base}/#/cameras`);
    expect(await textOf(page.locator('.tile[data-camera=campus] [data-testid=today-in-out]'))).toMatch(/^\d+ \/ \d+$/);
    expect(Number(await textOf(page.locator('.tile[data-camera=campus] [data-testid=events-hour]')))).toBeGreaterThan(0);
  }, 60_000);

  it('lets an admin add a viewer and an API key that is shown once', async () => {
    await page.goto(`${base}/#/users`);
    const form = page.getByTestId('new-user');
    await form.locator('input[name=new-username]').fill(VIEWER.username);
    await form.locator('input[name=new-password]').fill(VIEWER.password);
    await form.locator('select[name=new-role]').selectOption('viewer');
    await page.getByTestId('create-user').click();
    await visible(page.locator('tr[data-user=watcher]'));
    expect(await page.locator('tr[data-user=watcher] select').inputValue()).toBe('viewer');
    const keyForm = page.getByTestId('new-key-form');
    await keyForm.locator('input').first().fill('central');
    await keyForm.locator('button[type=submit]').click();
    const key = await page.getByTestId('key-value').textContent();
    expect(key).toMatch(/^vtg_/);
    // The key works for what it may read.
    const res = await fetch(`${base}/api/v1/cameras`, { headers: { 'x-api-key': key! } });
    expect(res.status).toBe(200);
    await shot(page, 'users');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('new-key').waitFor({ state: 'detached' });
    await textOf(page.getByTestId('key-list'), (t) => t.includes('central'));
    expect(await page.locator('body').textContent()).not.toContain(key!);
  }, 60_000);

  it('shows a viewer no edit controls, and the API refuses its writes (403)', async () => {
    const ctx = await newContext();
    try {
      const v = watch(await ctx.newPage());
      await v.goto(base);
      const form = v.getByTestId('login-form');
      await form.locator('input[name=username]').fill(VIEWER.username);
      await form.locator('input[name=password]').fill(VIEWER.password);
      await form.locator('button[type=submit]').click();
      await textOf(v.getByTestId('whoami'), (t) => t.includes('viewer'));
      expect(await v.locator('.nav a').allTextContents()).toEqual(['Cameras', 'Analytics', 'Sessions', 'Audits', 'Events', 'Alerts', 'System']);
      await v.goto(`${base}/#/cameras/campus?tab=zones`);
      await visible(v.locator('[data-zone-item=zone-1]'));
      expect(await v.getByTestId('add-zone').count()).toBe(0);
      expect(await v.getByTestId('save-shapes').count()).toBe(0);
      await shot(v, 'viewer-zones');
      await v.goto(`${base}/#/sessions`);
      await v.getByTestId('session-list').waitFor();
      expect(await v.getByTestId('new-session').count()).toBe(0);
      expect(await v.getByTestId('session-list').locator('button').count()).toBe(0);
      await v.goto(`${base}/#/analytics`);
      await v.getByTestId('report-list').waitFor();
      expect(await v.getByTestId('generate-report').count()).toBe(0);
      await v.goto(`${base}/#/alerts`);
      await v.getByTestId('alert-rules').waitFor();
      expect(await v.getByTestId('new-rule').count()).toBe(0);
      expect(await v.getByTestId('telegram').count()).toBe(0);
      await v.goto(`${base}/#/users`);
      await visible(v.locator('.content .error'));
      // Its cookies and CSRF token are valid, its role is not enough.
      expect(await write(ctx, 'PUT', '/api/v1/cameras/campus/zones', { zones: [] })).toBe(403);
      expect(await write(ctx, 'POST', '/api/v1/sessions', { file: CAMPUS })).toBe(403);
      expect(await write(ctx, 'POST', '/api/v1/reports', { from: 0, to: 1 })).toBe(403);
      expect(await write(ctx, 'POST', '/api/v1/users', { username: 'x', password: 'y', role: 'admin' })).toBe(403);
      // The zone is untouched.
      const zones = ((await (await admin.request.get(`${base}/api/v1/cameras/campus/zones`)).json()) as { zones: unknown[] }).zones;
      expect(zones).toHaveLength(1);
      // What a viewer may change: its own password.
      const renewed = 'a fresh walkway passphrase 7';
      await v.goto(`${base}/#/account`);
      const pw = v.getByTestId('password-form');
      await pw.locator('input[name=current]').fill(VIEWER.password);
      await pw.locator('input[name=new]').fill(renewed);
      await pw.locator('input[name=confirm]').fill(renewed);
      await pw.locator('button[type=submit]').click();
      await visible(v.locator('.notice'));
      const login = (password: string) => fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: VIEWER.username, password }) });
      expect((await login(renewed)).status).toBe(200);
      expect((await login(VIEWER.password)).status).toBe(401);
      await shot(v, 'account');
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('every page at 1366×768 and 820×1180, in English and Russian: screenshots kept, no overlapping or clipped text', async () => {
    const report = ((await (await admin.request.get(`${base}/api/v1/reports?limit=1`)).json()) as { reports: Array<{ id: string }> }).reports[0]!.id;
    const pages = ['cameras', 'cameras/campus', 'cameras/campus?tab=zones', 'cameras/campus?tab=heatmap', 'analytics', `reports/${report}`, 'sessions', 'audits', 'events', 'alerts', 'system', 'users', 'account'];
    const problems: string[] = [];
    for (const size of [DESKTOP, { width: 820, height: 1180 }]) {
      for (const lang of ['en', 'ru'] as const) {
        const ctx = await newContext(size, { signedInAs: admin, initScript: `localStorage.setItem('vantage.lang', '${lang}')` });
        try {
          const p = watch(await ctx.newPage());
          for (const path of pages) {
            await p.goto(`${base}/#/${path}`);
            await p.waitForLoadState('networkidle').catch(() => undefined);
            await p.locator('.page').first().waitFor();
            await p.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('.loading'), undefined, { timeout: 10_000 }).catch(() => undefined);
            // A page with a live player is shot once it plays (the picture, not the spinner); leaving a
            // connected viewer frees its slot at once, where one left while connecting holds it ~20 s.
            if ((await p.locator('.player').count()) > 0) await attrOf(p.locator('.player'), 'data-mode', (m) => ['webrtc', 'mpeg1', 'snapshot'].includes(m), 20_000);
            await shot(p, `page-${path.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}-${size.width}x${size.height}-${lang}`.replace(new RegExp(report, 'g'), 'report'));
            for (const x of (await p.evaluate('__probe.textProblems()')) as string[]) problems.push(`${path} ${size.width}×${size.height} ${lang}: ${x}`);
          }
        } finally {
          await ctx.close();
        }
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('switches to Russian and back; fits a tablet; logs out', async () => {
    await page.goto(`${base}/#/cameras`);
    await page.getByTestId('language').selectOption('ru');
    await textOf(page.locator('.nav a[data-nav=cameras]'), (t) => t === 'Камеры');
    await page.reload();
    await textOf(page.locator('.nav a[data-nav=cameras]'), (t) => t === 'Камеры'); // remembered
    await textOf(page.locator('.tile[data-camera=campus] .badge[data-status=online]'), (t) => t === 'в сети');
    await attrOf(page.locator('.tile[data-camera=campus] .player'), 'data-mode', (m) => ['webrtc', 'mpeg1', 'snapshot'].includes(m), 20_000);
    await shot(page, 'cameras-ru');
    await page.getByTestId('language').selectOption('en');
    await textOf(page.locator('.nav a[data-nav=cameras]'), (t) => t === 'Cameras');

    const tablet = await newContext({ width: 820, height: 1180 });
    try {
      const t = watch(await tablet.newPage());
      await t.goto(base);
      const form = t.getByTestId('login-form');
      await form.locator('input[name=username]').fill(TEST_ADMIN.username);
      await form.locator('input[name=password]').fill(TEST_ADMIN.password);
      await form.locator('button[type=submit]').click();
      await attrOf(t.locator('.tile[data-camera=campus] .player'), 'data-mode', (m) => ['webrtc', 'mpeg1', 'snapshot'].includes(m), 20_000);
      await shot(t, 'cameras-tablet');
      await t.goto(`${base}/#/cameras/campus?tab=zones`);
      await t.locator('[data-zone-item=zone-1]').waitFor();
      await t.locator('.editor-stage img.editor-bg').waitFor();
      await shot(t, 'zones-tablet');
    } finally {
      await tablet.close();
    }

    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await page.reload();
    await page.getByTestId('login-form').waitFor(); // the cookies are gone
    expect((await admin.cookies(base)).map((c) => c.name)).not.toContain('vantage_access');
  }, 60_000);
});

/** Whether the daemon has the WebRTC endpoint yet (the live-video part of the product, built alongside). */
async function probeLiveVideo(): Promise<void> {
  const token = await signIn(base);
  const res = await fetch(`${base}/api/v1/cameras/campus/webrtc`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    // Not an SDP offer: an implemented route refuses it (400) without starting anything; a missing one is a 404.
    body: JSON.stringify({ type: 'offer', sdp: 'probe' }),
  });
  webrtcMissing = res.status === 404;
}
