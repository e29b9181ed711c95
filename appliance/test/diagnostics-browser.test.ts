import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium, PageErrors, signInPage } from './browser.js';
import { englishWords, READ_PAGE } from './english-words.js';
import { freePort, ROOT, signIn, tempDir, waitFor } from './helpers.js';
import { localeTable } from './locale-table.js';
import { startRig, type Rig } from './rig.js';

// Diagnostics an operator reads in their language: the real appliance with a camera pointed at a
// closed 127.0.0.1 port (ffmpeg really fails to connect), an MQTT broker on that port too, a session on a file that is not a video
// (ffmpeg really refuses it) and the local Telegram server refusing a chat; Debian's Chromium reads
// the pages in Russian: the classified sentence from the locale, no English word outside the
// allow-list while the raw text is folded away, and the raw text (ffmpeg's own line) one click away.

const ruText = localeTable(join(ROOT, 'web-ui/src/i18n/ru.ts'));
const enText = localeTable(join(ROOT, 'web-ui/src/i18n/en.ts'));
const CAMERA_NAME = 'Ворота';
/** Names the operator or a product gave (the test bot's username; the loaded models' names are added once known). */
const USER_DATA = [CAMERA_NAME, 'Склад', 'admin', 'gate', 'notes.mp4', 'vantage_test_bot'];

describe('diagnostics in the page’s language (real ffmpeg, real Chromium)', () => {
  let rig: Rig;
  let base: string;
  let token: string;
  let browser: Browser;
  let ctx: BrowserContext;
  const errors = new PageErrors();
  const media = tempDir('vantage-diag-media-');

  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const r = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };

  /** The visible text of the page, with the raw details folded (closed <details> is not rendered). */
  const read = async (p: Page) => (await p.evaluate(READ_PAGE)) as string;

  beforeAll(async () => {
    const port = await freePort(); // nothing listens there
    writeFileSync(join(media, 'notes.mp4'), 'meeting notes, not a video\n');
    rig = await startRig({
      telegram: true,
      config: () => ({
        storage: { path: join(tempDir(), 'v.db'), media_dirs: [media] },
        cameras: [{ id: 'gate', name: CAMERA_NAME, source: `rtsp://127.0.0.1:${port}/cam1` }],
        mqtt: { url: `mqtt://127.0.0.1:${port}` },
      }),
    });
    base = rig.base;
    token = await signIn(base);
    await call('/api/v1/settings', { method: 'PUT', body: JSON.stringify({ language: 'ru', site_name: 'Склад', timezone: 'Europe/Moscow' }) });
    USER_DATA.push(...(await call<{ models: Array<{ name: string }> }>('/api/v1/models')).models.map((m) => m.name));
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
    await ctx.addInitScript(`localStorage.setItem('vantage.lang', 'ru')`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  });

  it('the API gives the camera’s error as a code beside ffmpeg’s own line', async () => {
    const cam = await waitFor('the camera to fail', async () => {
      const list = await call<{ cameras: Array<{ id: string; status: string; lastError: string | null; lastErrorCode: string | null; lastErrorParams: unknown }> }>('/api/v1/cameras');
      const c = list.cameras.find((x) => x.id === 'gate');
      return c?.lastErrorCode ? c : undefined;
    });
    expect(cam.status).toBe('offline');
    expect(cam.lastErrorCode).toBe('connection_refused');
    expect(cam.lastErrorParams).toEqual({});
    expect(cam.lastError).toMatch(/Connection refused/);
  });

  it('the cameras page in Russian says why in Russian, with ffmpeg’s line one click away', async () => {
    const p = errors.watch(await ctx.newPage());
    await signInPage(p, base);
    await p.goto(`${base}/#/cameras`);
    const diag = p.locator('[data-diag=connection_refused]').first();
    await diag.waitFor({ timeout: 20_000 });
    expect((await diag.locator('.diag-text').textContent())?.trim()).toBe(ruText['diag.connection_refused']);
    const text = await read(p);
    expect(text).toContain(ruText['diag.connection_refused']);
    expect(text).not.toContain('Connection refused');
    expect(englishWords(text, USER_DATA)).toEqual([]);
    // The expert's raw line, unfolded.
    await diag.locator('summary').click();
    expect(await diag.locator('code').textContent()).toMatch(/Connection refused/);
    await p.screenshot({ path: join(ARTIFACTS, 'diagnostics-cameras-ru.png') });
    // The camera's own page: the same sentence in its details.
    await p.goto(`${base}/#/cameras/gate`);
    const detail = p.locator('[data-diag=connection_refused]').first();
    await detail.waitFor({ timeout: 20_000 });
    expect((await detail.locator('.diag-text').textContent())?.trim()).toBe(ruText['diag.connection_refused']);
    expect(englishWords(await read(p), USER_DATA)).toEqual([]);
    // An English page words it in English from the same code.
    const en = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', storageState: await ctx.storageState() });
    try {
      await en.addInitScript(`localStorage.setItem('vantage.lang', 'en')`);
      const pe = await en.newPage();
      await pe.goto(`${base}/#/cameras`);
      const d = pe.locator('[data-diag=connection_refused] .diag-text').first();
      await d.waitFor({ timeout: 20_000 });
      expect((await d.textContent())?.trim()).toBe(enText['diag.connection_refused']);
    } finally {
      await en.close();
    }
    await p.close();
    expect(errors.take()).toEqual([]);
  }, 90_000);

  it('a session on a file that is not a video fails with invalid_data, worded in Russian on its page', async () => {
    const created = await call<{ id: string }>('/api/v1/sessions', { method: 'POST', body: JSON.stringify({ file: join(media, 'notes.mp4') }) });
    await call(`/api/v1/sessions/${created.id}/start`, { method: 'POST' });
    const s = await waitFor('the session to fail', async () => {
      const v = await call<{ status: string; error: string | null; error_code: string | null }>(`/api/v1/sessions/${created.id}`);
      return v.status === 'failed' ? v : undefined;
    });
    expect(s.error).toMatch(/Invalid data found when processing input/);
    expect(s.error_code).toBe('invalid_data');
    const p = errors.watch(await ctx.newPage());
    await p.goto(`${base}/#/sessions/${created.id}`);
    const diag = p.locator('[data-diag=invalid_data]').first();
    await diag.waitFor({ timeout: 20_000 });
    // Nothing to play: the page does not ask for a video of a file that is none.
    expect(await p.locator('video').count()).toBe(0);
    expect((await diag.locator('.diag-text').textContent())?.trim()).toBe(ruText['diag.invalid_data']);
    expect(englishWords(await read(p), USER_DATA)).toEqual([]);
    await p.close();
    expect(errors.take()).toEqual([]);
  }, 90_000);

  it('Telegram refusing a chat: the test message’s result is worded in Russian, Telegram’s words one click away', async () => {
    const tg = rig.tg!;
    await call('/api/v1/notifications/telegram/connect', { method: 'POST', body: JSON.stringify({ bot_token: tg.token, chat_id: '1001' }) });
    tg.script.push({ status: 403, description: 'Forbidden: bot was blocked by the user' });
    const p = errors.watch(await ctx.newPage());
    await p.goto(`${base}/#/alerts`);
    const card = p.getByTestId('telegram');
    await card.waitFor();
    await card.getByRole('button', { name: ruText['alerts.test']! }).click();
    const diag = card.locator('[data-diag=telegram_blocked]').first();
    await diag.waitFor({ timeout: 20_000 });
    expect((await diag.locator('.diag-text').textContent())?.trim()).toBe(ruText['diag.telegram_blocked.bare']);
    expect(englishWords(await read(p), USER_DATA)).toEqual([]);
    await diag.locator('summary').click();
    expect(await diag.locator('code').textContent()).toMatch(/bot was blocked by the user/);
    await p.close();
    expect(errors.take()).toEqual([]);
  }, 60_000);

  it('the system page says in Russian why the MQTT broker is not reached', async () => {
    await waitFor('the MQTT refusal', async () => ((await call<{ outbox: { mqtt_error_code: string | null } }>('/api/v1/system')).outbox.mqtt_error_code === 'mqtt_connection_refused' ? true : undefined));
    const p = errors.watch(await ctx.newPage());
    await p.goto(`${base}/#/system`);
    const diag = p.getByTestId('outbox').locator('[data-diag=mqtt_connection_refused]');
    await diag.waitFor({ timeout: 20_000 });
    expect((await diag.locator('.diag-text').textContent())?.trim()).toBe(ruText['diag.mqtt_connection_refused']);
    expect(englishWords(await read(p), USER_DATA)).toEqual([]);
    await diag.locator('summary').click();
    expect(await diag.locator('code').textContent()).toMatch(/ECONNREFUSED/);
    await p.close();
    expect(errors.take()).toEqual([]);
  }, 60_000);
});
