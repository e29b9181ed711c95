import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signInPage } from './browser.js';
import { CAMPUS, freePort, MEDIA, signIn, startCli, tempDir, waitFor } from './helpers.js';
import { englishWords, READ_PAGE, RECORD_CANVAS_TEXT } from './english-words.js';

// Issue 19, fault 8: a Russian operator sees Russian on every page. The compiled daemon runs a real
// camera (a looping bundled clip) with named zones and lines, alert rules that fire, a finished
// session and a second user; a real Chromium visits every page in Russian and reads what a person
// sees: the visible text, the tooltips and placeholders, and what is drawn on canvases (chart axes
// and legends, overlay labels). No English word may be left apart from proper names and units.

let daemon: ReturnType<typeof startCli>;
let base: string;
let browser: Browser;
let ctx: BrowserContext;
let auth: Record<string, string>;
let setupText = '';
const dir = tempDir();

const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const r = await fetch(`${base}${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};

/** What the operator typed and the clip is called: may be any language. */
const USER_DATA = ['Кампус', 'Вход', 'Проход', 'Люди у входа', 'Долго у входа', 'Кампус ночью', 'Наблюдатель', 'TUD-Campus', 'admin', 'nabludatel', 'campus', 'zone-1', 'line-1', 'Склад №3'];

describe('the dashboard in Russian, every page (real daemon, real Chromium)', () => {
  beforeAll(async () => {
    const port = await freePort();
    const cfg = join(dir, 'config.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        http: { port },
        storage: { path: join(dir, 'v.db'), media_dirs: [MEDIA] },
        log: { level: 'warn' },
        analytics: { hourly_reports: false, daily_reports: false },
        cameras: [
          {
            id: 'campus',
            name: 'Кампус',
            source: CAMPUS,
            loop: true,
            zones: [{ id: 'zone-1', name: 'Вход', points: [[0.02, 0.3], [0.98, 0.3], [0.98, 0.98], [0.02, 0.98]] }],
            lines: [{ id: 'line-1', name: 'Проход', points: [[0.5, 0.05], [0.5, 0.98]] }],
          },
        ],
      }),
    );
    daemon = startCli(['run', '--config', cfg]);
    base = `http://127.0.0.1:${port}`;
    await waitFor('daemon ready', async () => ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000, 250);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' });
    await ctx.addInitScript(RECORD_CANVAS_TEXT);
    await ctx.addInitScript(`localStorage.setItem('vantage.lang', 'ru')`);
    // The first-run page, before the administrator exists.
    const first = await ctx.newPage();
    await first.goto(base);
    await first.getByTestId('setup-form').waitFor();
    setupText = (await first.evaluate(READ_PAGE)) as string;
    await first.close();
    auth = { authorization: `Bearer ${await signIn(base)}` };
    await call('PUT', '/api/v1/settings', { language: 'ru', site_name: 'Склад №3', timezone: 'Europe/Moscow' });
    await call('POST', '/api/v1/alert-rules', { name: 'Люди у входа', type: 'occupancy', camera: 'campus', zone: 'zone-1', above: 0, for_seconds: 0, cooldown_seconds: 0 });
    await call('POST', '/api/v1/alert-rules', { name: 'Долго у входа', type: 'loitering', camera: 'campus', zone: 'zone-1', over_seconds: 1, cooldown_seconds: 0 });
    await call('POST', '/api/v1/alert-rules', { name: 'Кампус ночью', type: 'presence', camera: 'campus', zone: 'zone-1', class: 'person', during: { from: '00:00', to: '00:00' } });
    await call('POST', '/api/v1/users', { username: 'nabludatel', password: 'a long test passphrase 9', role: 'viewer' });
    const session = await call<{ id: string }>('POST', '/api/v1/sessions', { file: CAMPUS, zones_from: 'campus' });
    await call('POST', `/api/v1/sessions/${session.id}/start`);
    await waitFor('the session to complete', async () => ((await call<{ status: string }>('GET', `/api/v1/sessions/${session.id}`)).status === 'completed' ? true : undefined), 180_000, 500);
    await waitFor('alerts fired', async () => ((await call<{ notifications: unknown[] }>('GET', '/api/v1/notifications')).notifications.length > 0 ? true : undefined), 60_000, 500);
    await waitFor('events recorded', async () => ((await call<{ events: unknown[] }>('GET', '/api/v1/events?limit=5')).events.length > 0 ? true : undefined), 60_000, 500);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
  });

  it('no English word on any page', async () => {
    const p: Page = await ctx.newPage();
    const found: string[] = [];
    const read = async (where: string) => {
      const text = (await p.evaluate(READ_PAGE)) as string;
      const words = englishWords(text, USER_DATA);
      if (words.length) found.push(`${where}: ${words.join(', ')}`);
    };
    const setupWords = englishWords(setupText, USER_DATA);
    if (setupWords.length) found.push(`setup: ${setupWords.join(', ')}`);
    await p.goto(base);
    const form = p.getByTestId('login-form');
    await form.waitFor();
    await read('login');
    await signInPage(p, base);
    // The loaded models' names are proper names.
    USER_DATA.push(...(await call<{ models: Array<{ name: string }> }>('GET', '/api/v1/models')).models.map((m) => m.name));
    const session = (await call<{ sessions: Array<{ id: string }> }>('GET', '/api/v1/sessions')).sessions[0]!.id;
    const reports = await call<{ reports: Array<{ id: string }> }>('GET', '/api/v1/reports?limit=1');
    const pages = [
      'cameras', 'cameras/campus', 'cameras/campus?tab=zones', 'cameras/campus?tab=heatmap', 'analytics', `reports/${reports.reports[0]!.id}`, 'sessions', `sessions/${session}`,
      'audits', `audits/new?session=${session}&line=line-1`, 'events', 'alerts', 'review/campus', 'system', 'users', 'account',
    ];
    for (const path of pages) {
      await p.evaluate('window.__drawnText = []');
      await p.goto(`${base}/#/${path}`);
      await p.waitForLoadState('networkidle').catch(() => undefined);
      await p.locator('.page').first().waitFor();
      await p.waitForFunction('!document.querySelector(".loading")', undefined, { timeout: 15_000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1500)); // live figures, charts drawn
      await read(path);
    }
    // The alert rule form, for every rule type.
    await p.goto(`${base}/#/alerts`);
    await p.getByTestId('new-rule').click();
    const types = await p.getByTestId('rule-type').locator('option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    expect(types.length).toBeGreaterThan(4);
    for (const type of types) {
      await p.getByTestId('rule-type').selectOption(type);
      await read(`alerts, new ${type} rule`);
    }
    // An API error: a session on a file that is not there. The daemon answers 400 naming the field;
    // the page says so in Russian (the code's text and the field), not in the daemon's English.
    await p.goto(`${base}/#/sessions`);
    await p.getByTestId('session-path').fill(join(MEDIA, 'no-such-clip.mp4'));
    await p.getByTestId('create-session').click();
    const error = p.locator('.error').first();
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toMatch(/[А-Яа-я]/);
    expect(text).toContain('поля: файл');
    await read('sessions, refused');
    expect(found).toEqual([]);
  }, 240_000);

  it('an English page keeps the daemon’s own error message', async () => {
    const missingClip = join(MEDIA, 'no-such-clip.mp4');
    const r = await fetch(`${base}/api/v1/sessions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ file: missingClip }) });
    expect(r.status).toBe(400);
    const { error } = (await r.json()) as { error: { code: string; message: string; fields?: Array<{ field: string; message: string }> } };
    const said = `${error.message}${error.fields?.length ? ` (${error.fields.map((f) => `${f.field}: ${f.message}`).join('; ')})` : ''}`;
    const en = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', storageState: await ctx.storageState() });
    try {
      await en.addInitScript(`localStorage.setItem('vantage.lang', 'en')`);
      const p = await en.newPage();
      await p.goto(`${base}/#/sessions`);
      await p.getByTestId('session-path').fill(missingClip);
      await p.getByTestId('create-session').click();
      const box = p.locator('.error').first();
      await box.waitFor();
      expect((await box.textContent())?.trim()).toBe(said);
    } finally {
      await en.close();
    }
  }, 60_000);
});
