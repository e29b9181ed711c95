import SQLite from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../src/auth/roles.js';
import { launchChromium, PageErrors, signInPage } from './browser.js';
import { signIn, STADTMITTE, TEST_ADMIN, waitFor } from './helpers.js';
import { startRig, type Rig } from './rig.js';

// Issue 19, fault 5: every time the dashboard shows is written in the page's locale and the site's
// time zone, whatever zone the browser runs in. The real appliance (a camera on the bundled clip, a
// real SQLite file) with its site zone set to Asia/Kolkata (UTC+05:30, no DST); Debian's Chromium in
// UTC and in America/Los_Angeles; an event, an alert and report rows at known instants written into
// the appliance's database, and the times the API gives for a session, an audit, a login, a key's
// last use and the camera's last frame. Each is expected as written by hand from the +05:30 offset,
// in English (dd/mm/yyyy, hh:mm:ss) and Russian (dd.mm.yyyy, hh:mm:ss), never as the browser's zone
// would write it.

const ZONES = [{ id: 'zone-1', name: 'Entrance', points: [[0.02, 0.3], [0.6, 0.3], [0.6, 0.98], [0.02, 0.98]] }];
const LINES = [{ id: 'line-1', name: 'Till', points: [[0.65, 0.35], [0.65, 0.85]] }];
const KOLKATA_S = 5.5 * 3600;
const TOKYO_S = 9 * 3600;

/** A time as the page writes it, by hand: the wall clock at a fixed UTC offset, in en-GB or ru-RU. */
function written(ms: number, offsetS: number, lang: 'en' | 'ru'): string {
  const d = new Date(Math.floor(ms / 1000) * 1000 + offsetS * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = lang === 'en' ? `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}` : `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
  return `${date}, ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** The browser zone's offset at an instant (America/Los_Angeles has DST), in seconds. */
function offsetIn(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(ms);
  const n = (t: string) => Number(parts.find((x) => x.type === t)!.value);
  return (Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second')) - Math.floor(ms / 1000) * 1000) / 1000;
}

describe('times in the site time zone on every page (Chromium)', () => {
  let rig: Rig;
  let dbPath: string;
  let base: string;
  let token: string;
  let browser: Browser;
  /** Known instants (unix ms). */
  const at: Record<string, number> = {};
  let eventId = 0;
  let notificationId = 0;
  let reportId = '';

  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const r = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  };

  beforeAll(async () => {
    rig = await startRig({ config: () => ({ cameras: [{ id: 'door', name: 'Front door', source: STADTMITTE, loop: false, realtime: true, zones: ZONES, lines: LINES }] }) });
    ({ base, dbPath } = rig);
    token = await signIn(base);
    await call('/api/v1/settings', { method: 'PUT', body: JSON.stringify({ timezone: 'Asia/Kolkata' }) });

    // An event and an alert two hours ago, and a zone's busiest minute an hour before them, written
    // into the appliance's own database (whole seconds: the pages show seconds).
    const now = Math.floor(Date.now() / 1000) * 1000;
    at.event = now - 2 * 3600_000 + 7000;
    at.peak = Math.floor((at.event - 3600_000) / 60_000) * 60_000;
    const db = new SQLite(dbPath);
    db.pragma('busy_timeout = 5000');
    eventId = Number(db.prepare("INSERT INTO events (ts, camera_id, type, target, track_id, class_name, direction, value) VALUES (?, 'door', 'zone.enter', 'zone-1', 9001, 'person', NULL, NULL)").run(at.event).lastInsertRowid);
    notificationId = Number(
      db
        .prepare("INSERT INTO notifications (ts, rule_id, rule_name, type, camera_id, message, details, deliveries) VALUES (?, 'r1', 'Crowd at the entrance', 'occupancy', 'door', 'Front door: 3 person in zone \"Entrance\"', '{\"zone\":\"zone-1\"}', '{}')")
        .run(at.event).lastInsertRowid,
    );
    db.prepare("INSERT INTO counts_minute (camera_id, minute, kind, target, class_name, entries, exits, crossings_in, crossings_out, max_occupancy, dwell_sum, visits) VALUES ('door', ?, 'zone', 'zone-1', 'person', 4, 1, 0, 0, 3, 0, 0)").run(at.peak / 60_000);
    db.close();

    // A report over known whole minutes around them.
    at.reportFrom = at.peak - 30 * 60_000;
    at.reportTo = at.event + 30 * 60_000 - 7000;
    reportId = (await call<{ id: string }>('/api/v1/reports', { method: 'POST', body: JSON.stringify({ cameras: ['door'], from: at.reportFrom / 1000, to: at.reportTo / 1000, resolution: '15m' }) })).id;
    // A session (not started), an audit of the camera's line, a key used once: their times are the API's.
    at.session = Date.parse((await call<{ created_at: string }>('/api/v1/sessions', { method: 'POST', body: JSON.stringify({ file: STADTMITTE, lines: LINES }) })).created_at);
    const auditTo = Math.floor(Date.now() / 1000) - 1;
    at.audit = Date.parse((await call<{ created_at: string }>('/api/v1/audits', { method: 'POST', body: JSON.stringify({ camera: 'door', line: 'line-1', from: auditTo - 60, to: auditTo, marks: [] }) })).created_at);
    const key = await call<{ key: string }>('/api/v1/api-keys', { method: 'POST', body: JSON.stringify({ name: 'central', scopes: ['cameras:read'] }) });
    expect((await fetch(`${base}/api/v1/cameras`, { headers: { 'x-api-key': key.key } })).status).toBe(200);
    const keys = await call<{ api_keys: Array<{ name: string; last_used_at: string | null }> }>('/api/v1/api-keys');
    at.keyUsed = Date.parse(keys.api_keys.find((k) => k.name === 'central')!.last_used_at!);
    // The camera plays the clip once: its last frame's time then stays put.
    const cam = await waitFor('the camera to finish the clip', async () => {
      const c = await call<{ status: string; lastFrameAt: string | null }>('/api/v1/cameras/door');
      return c.status !== 'online' && c.status !== 'starting' && c.lastFrameAt ? c : undefined;
    }, 90_000, 250);
    at.lastFrame = Date.parse(cam.lastFrameAt!);

    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  });

  /** A browser in `zone`, signed in as the admin (the last login's time is read after it). */
  async function open(zone: string): Promise<{ ctx: BrowserContext; page: Page; errors: () => string[] }> {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-GB', timezoneId: zone });
    const seen = new PageErrors();
    const page = seen.watch(await ctx.newPage());
    await signInPage(page, base);
    expect(await page.evaluate('Intl.DateTimeFormat().resolvedOptions().timeZone')).toBe(zone);
    // The camera page's live player on a camera whose clip has ended: a viewer the previous browser
    // left while connecting holds the camera's slot for its connect timeout (503); not about times.
    return { ctx, page, errors: () => (seen.takeMatching(/status of 503 .*\/cameras\/door\/webrtc$/), seen.take()) };
  }

  /** Waits until the page's text holds `text`; the error names the page and what it showed. */
  async function shows(page: Page, where: string, text: string): Promise<string> {
    const body = async () => (await page.evaluate('document.body.innerText').catch(() => '')) as string;
    try {
      return await waitFor(where, async () => ((await body()).includes(text) ? body() : undefined), 15_000, 200);
    } catch {
      throw new Error(`${where}: "${text}" not shown; the page shows:\n${await body()}`);
    }
  }

  /** Every page with a known time: where, the instant, and how to find it (page text or an attribute). */
  const checks = (): Array<{ where: string; route: string; instants: number[]; attr?: { selector: string; name: string } }> => [
    { where: 'events', route: '#/events', instants: [at.event!] },
    { where: 'alerts', route: '#/alerts', instants: [at.event!] },
    { where: 'report', route: `#/reports/${reportId}`, instants: [at.reportFrom!, at.reportTo!, at.peak!] },
    { where: 'analytics (report list)', route: '#/analytics', instants: [at.reportFrom!, at.reportTo!] },
    { where: 'sessions', route: '#/sessions', instants: [at.session!] },
    { where: 'audits', route: '#/audits', instants: [at.audit!] },
    { where: 'users (last login, key last used)', route: '#/users', instants: [at.login!, at.keyUsed!] },
    { where: 'camera (last frame)', route: '#/cameras/door', instants: [at.lastFrame!] },
    // (at= alone: no clip is opened; the camera records nothing here.)
    { where: 'review (the event mark)', route: `#/review/door?at=${at.event}`, instants: [at.event!], attr: { selector: `[data-testid=review-mark][data-kind=event][data-id="${eventId}"]`, name: 'title' } },
    { where: 'review (span)', route: `#/review/door?at=${at.event}`, instants: [at.event! - 30 * 60_000, at.event! + 30 * 60_000] },
  ];

  for (const zone of ['UTC', 'America/Los_Angeles']) {
    it(`writes every page's times in Asia/Kolkata, in English and Russian, with the browser in ${zone}`, async () => {
      const { ctx, page, errors } = await open(zone);
      const users = await call<{ users: Array<{ username: string; last_login_at: string | null }> }>('/api/v1/users');
      at.login = Date.parse(users.users.find((u) => u.username === TEST_ADMIN.username)!.last_login_at!);
      for (const lang of ['en', 'ru'] as const) {
        await page.getByTestId('language').selectOption(lang);
        for (const c of checks()) {
          await page.goto(`${base}/${c.route}`);
          for (const ms of c.instants) {
            const want = written(ms, KOLKATA_S, lang);
            let text: string;
            if (c.attr) {
              const el = page.locator(c.attr.selector);
              await el.waitFor({ state: 'attached', timeout: 15_000 });
              text = (await el.getAttribute(c.attr.name)) ?? '';
              expect(text, `${c.where} (${lang})`).toContain(want);
            } else text = await shows(page, `${c.where} (${lang}, browser in ${zone})`, want);
            // Not the browser's own zone (UTC is 5:30 away; Los Angeles 12:30 or 13:30).
            expect(text, `${c.where} (${lang}): written in the browser's zone`).not.toContain(written(ms, offsetIn(zone, ms), lang));
          }
        }
        // The zone is named on every page, with its offset.
        expect(await page.getByTestId('time-zone-note').textContent()).toContain('Asia/Kolkata (+05:30)');
      }
      // A custom range is typed on the site's wall clock: the inputs start at the last 24 hours as
      // Kolkata's clock reads them, and a range typed there finds the event.
      await page.getByTestId('language').selectOption('en');
      await page.goto(`${base}/#/events`);
      await page.getByRole('button', { name: 'Custom' }).click();
      const local = (ms: number) => written(ms, KOLKATA_S, 'en').replace(/^(\d\d)\/(\d\d)\/(\d{4}), (\d\d:\d\d):\d\d$/, '$3-$2-$1T$4');
      const toInput = page.getByLabel('To', { exact: true });
      const nowMs = Date.now();
      expect([local(nowMs), local(nowMs - 60_000), local(nowMs + 60_000)]).toContain(await toInput.inputValue());
      await page.getByLabel('From', { exact: true }).fill(local(at.event! - 60_000));
      await toInput.fill(local(at.event! + 120_000));
      await page.getByTestId('apply-filters').click();
      await waitFor('only the known event in the typed minute range', async () => {
        const rows = await page.locator('table tbody tr').allTextContents();
        return rows.length === 1 && rows[0]!.includes(written(at.event!, KOLKATA_S, 'en')) ? rows : undefined;
      }, 15_000, 200);
      // The site zone changes (an admin saves it): the pages follow without a reload of the data.
      await page.getByTestId('language').selectOption('en');
      await page.goto(`${base}/#/system`);
      const tz = page.getByTestId('settings').locator('input[placeholder="Europe/Berlin"]');
      await tz.fill('Asia/Tokyo');
      await page.getByTestId('settings').locator('button[type=submit]').click();
      await page.goto(`${base}/#/events`);
      await shows(page, 'events after the zone changed to Asia/Tokyo', written(at.event!, TOKYO_S, 'en'));
      expect(await page.getByTestId('time-zone-note').textContent()).toContain('Asia/Tokyo (+09:00)');
      // A site without a zone: the browser's own, and the foot of the page says so.
      await call('/api/v1/settings', { method: 'PUT', body: JSON.stringify({ timezone: '' }) });
      await page.reload();
      await shows(page, 'events without a site zone', written(at.event!, offsetIn(zone, at.event!), 'en'));
      expect(await page.getByTestId('time-zone-note').textContent()).toContain(`this browser's time zone: ${zone}`);
      await call('/api/v1/settings', { method: 'PUT', body: JSON.stringify({ timezone: 'Asia/Kolkata' }) });
      expect(errors()).toEqual([]);
      await ctx.close();
    }, 180_000);
  }

  it('offers every API key scope the API has (recordings:read included) when creating a key', async () => {
    const { ctx, page, errors } = await open('UTC');
    await page.goto(`${base}/#/users`);
    const form = page.getByTestId('new-key-form');
    const labels = (await form.locator('fieldset label').allTextContents()).map((s) => s.trim());
    expect(labels.sort()).toEqual([...SCOPES].sort());
    expect(labels).toContain('recordings:read');
    // A key with only that scope, made from the form, has it in the API.
    await form.locator('input:not([type=checkbox])').fill('recorder');
    await form.locator('label', { hasText: 'cameras:read' }).locator('input').uncheck();
    await form.locator('label', { hasText: 'recordings:read' }).locator('input').check();
    await form.locator('button[type=submit]').click();
    const key = await waitFor('the key from the form', async () => (await call<{ api_keys: Array<{ name: string; scopes: string[] }> }>('/api/v1/api-keys')).api_keys.find((k) => k.name === 'recorder'));
    expect(key.scopes).toEqual(['recordings:read']);
    expect(errors()).toEqual([]);
    await ctx.close();
  }, 60_000);
});
