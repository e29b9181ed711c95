import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { CAMPUS, signIn, STADTMITTE, tempDir, waitFor } from './helpers.js';
import { ARTIFACTS, launchChromium, PageErrors, signInPage } from './browser.js';

// Acceptance of the count audit in the dashboard: the real appliance analyses the bundled clip as a
// session, and an operator in Debian's Chromium (playwright-core) watches it on the audit page, marks
// crossings with the keyboard, submits, and gets the report — numbers equal to a hand computation.

const LINE = { id: 'walkway', points: [[0.65, 0.35], [0.65, 0.85]] };

/** What the test reads of a <video> (the test's tsconfig has no DOM types). */
interface VideoEl {
  videoWidth: number;
  videoHeight: number;
  duration: number;
  playbackRate: number;
}

let app: Appliance;
let base: string;
let browser: Browser;
let page: Page;
const errors = new PageErrors();
let sessionId: string;
let reportId: string;
/** The line crossings the appliance stored for the session, in video seconds. */
let counted: Array<{ t: number; direction: string }>;

/** A full-page screenshot into .artifacts/dashboard; the page must not scroll sideways. */
async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), `${name}: sideways scroll`).toBeLessThanOrEqual(0);
}

const get = async <T>(path: string, token: string): Promise<T> => {
  const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};

describe('count audit in the dashboard (Chromium)', () => {
  beforeAll(async () => {
    app = new Appliance(validateConfig({ http: { port: 0 }, storage: { path: join(tempDir(), 'v.db') }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [] }), silentLogger());
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
    const token = await signIn(base);
    const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    sessionId = ((await (await post('/api/v1/sessions', { file: STADTMITTE, lines: [LINE] })).json()) as { id: string }).id;
    expect((await post(`/api/v1/sessions/${sessionId}/start`, {})).status).toBe(202);
    const s = await waitFor('the session to complete', async () => {
      const v = await get<{ status: string; report_id: string; video_base_ms: number }>(`/api/v1/sessions/${sessionId}`, token);
      return v.status === 'completed' ? v : undefined;
    }, 120_000, 300);
    reportId = s.report_id;
    const from = Math.floor(s.video_base_ms / 1000) - 1;
    const ev = await get<{ events: Array<{ time: string; direction: string }> }>(`/api/v1/events?camera=session-${sessionId}&type=line.cross&line=walkway&from=${from}&to=${from + 60}&limit=1000`, token);
    counted = ev.events.map((e) => ({ t: (Date.parse(e.time) - s.video_base_ms) / 1000, direction: e.direction }));
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB' });
    page = errors.watch(await ctx.newPage());
    await signInPage(page, base);
  }, 180_000);

  afterEach(() => {
    expect(errors.take(), 'browser console errors').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('marks crossings on the bundled clip with the keyboard and gets the accuracy report', async () => {
    expect(counted.length).toBeGreaterThan(0);
    await page.goto(`${base}/#/audits`);
    // A camera cannot be watched: the page says why.
    await page.getByTestId('audit-kind-camera').click();
    expect(await page.getByTestId('audit-no-recordings').textContent()).toContain('Recordings of live cameras are not kept yet');
    await page.getByRole('button', { name: 'Analysed video (session)' }).click();
    await page.getByTestId('audit-session').selectOption(sessionId);
    await page.getByTestId('audit-line-select').selectOption('walkway');
    await page.getByTestId('audit-open').click();

    // The video plays from the daemon, with the line drawn over it where the session has it.
    const video = page.getByTestId('audit-video');
    await waitFor('the video metadata', async () => ((await page.getByTestId('audit-play').isEnabled()) ? true : undefined), 30_000);
    expect(await video.evaluate((v) => [(v as unknown as VideoEl).videoWidth, (v as unknown as VideoEl).videoHeight, Math.round((v as unknown as VideoEl).duration * 100) / 100])).toEqual([640, 480, 7.16]);
    const drawn = page.locator('[data-testid=audit-line] line').first();
    expect(await drawn.evaluate((l) => ['x1', 'y1', 'x2', 'y2'].map((a) => Number(l.getAttribute(a))))).toEqual([0.65, 0.35, 0.65, 0.85]);

    await page.getByTestId('audit-speed').selectOption('0.5');
    await page.getByTestId('audit-play').click(); // keyboard focus leaves the select for the button
    expect(await video.evaluate((v) => (v as unknown as VideoEl).playbackRate)).toBe(0.5);
    // Keys at video times: I at 1 s, I at 2 s, O at 3 s then U (undo), I at 4 s, O at 5 s then
    // Backspace (undo), O at 6 s, and the In button at 6.5 s → 4 in, 1 out.
    const at = (t: number) =>
      page.waitForFunction((tt) => (globalThis as unknown as { document: { querySelector(s: string): { currentTime: number } } }).document.querySelector('[data-testid=audit-video]').currentTime >= tt, t, { timeout: 30_000, polling: 'raf' });
    const script: Array<[number, string]> = [[1, 'i'], [2, 'I'], [3, 'o'], [3.4, 'u'], [4, 'i'], [5, 'O'], [5.4, 'Backspace'], [6, 'o']];
    for (const [t, key] of script) {
      await at(t);
      await page.keyboard.press(key);
    }
    await at(6.5);
    await page.getByTestId('mark-in').click();
    const tally = page.getByTestId('audit-tally');
    await waitFor('the tally', async () => ((await tally.getAttribute('data-in')) === '4' && (await tally.getAttribute('data-out')) === '1' ? true : undefined), 5000);
    const marks = await page.locator('[data-testid=audit-marks] li').evaluateAll((lis) => lis.map((li) => ({ t: Number(li.getAttribute('data-t')), direction: li.getAttribute('data-direction') })));
    expect(marks.map((m) => m.direction)).toEqual(['in', 'in', 'in', 'out', 'in']);
    // Each mark is the video time when its key was pressed: after the time the test waited for.
    marks.forEach((m, i) => expect(m.t).toBeGreaterThanOrEqual([1, 2, 4, 6, 6.5][i]!));
    expect(marks.map((m) => m.t)).toEqual([...marks.map((m) => m.t)].sort((a, b) => a - b));
    await shot('audit-player');
    // A tablet: the controls go under the video, nothing scrolls sideways.
    await page.setViewportSize({ width: 800, height: 1024 });
    await shot('audit-player-tablet');
    await page.setViewportSize({ width: 1366, height: 768 });

    await page.getByTestId('audit-note').fill('walkway, afternoon');
    await page.getByTestId('audit-submit').click();
    await page.getByTestId('audit-page').waitFor({ timeout: 15_000 });
    const auditId = (await page.getByTestId('audit-page').getAttribute('data-audit'))!;
    expect(await page.getByTestId('audit-note-text').textContent()).toBe('walkway, afternoon');
    // The report: per direction the true crossings (the marks), the appliance's count, |error| and
    // 1 − |error| / true, computed here by hand.
    const n = (l: Array<{ direction: string }>, d: string) => l.filter((x) => x.direction === d).length;
    const row = (truth: number, count: number, err = Math.abs(count - truth)) => [String(truth), String(count), String(err), `${(Math.round(Math.max(0, 1 - err / truth) * 1000) / 10).toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`];
    const cIn = n(counted, 'in');
    const cOut = n(counted, 'out');
    const want = { in: row(4, cIn), out: row(1, cOut), total: row(5, cIn + cOut, Math.abs(cIn - 4) + Math.abs(cOut - 1)) };
    for (const d of ['in', 'out', 'total'] as const) {
      const cells = await page.locator(`[data-testid=audit-table] tr[data-direction=${d}] td[data-cell]`).allTextContents();
      expect(cells, d).toEqual(want[d]);
    }
    // What was stored is what the page showed, marks at the same video times.
    const token = await signIn(base);
    const stored = await get<{ marks: Array<{ t: number; direction: string }>; from: number; to: number }>(`/api/v1/audits/${auditId}`, token);
    expect(stored.marks).toEqual(marks);
    expect([stored.from, stored.to]).toEqual([0, 7.16]);
    await shot('audit-result');

    // Listed, and its accuracy shown beside the line's counts in the session's report.
    await page.goto(`${base}/#/audits`);
    await page.locator(`[data-testid=audit-list] tr[data-audit="${auditId}"]`).waitFor();
    await page.goto(`${base}/#/reports/${reportId}`);
    const acc = page.locator('[data-testid=report-lines] tr[data-line=walkway] td[data-cell=audit-accuracy]');
    await waitFor('the audited accuracy beside the line', async () => ((await acc.textContent()) === want.total[3] ? true : undefined), 15_000);
    await shot('audit-report');

    // In Russian too.
    await page.goto(`${base}/#/audits/${auditId}`);
    await page.getByTestId('language').selectOption('ru');
    await waitFor('Russian headings', async () => ((await page.locator('h1').first().textContent())?.includes('Аудит подсчёта') ? true : undefined), 5000);
    expect(await page.locator('[data-testid=audit-table] th').allTextContents()).toEqual(['Направление', 'Фактически', 'Насчитано', '|Ошибка|', 'Точность']);
    await shot('audit-result-ru');
    await page.getByTestId('language').selectOption('en');
  }, 120_000);

  it('shows coverage in a report and flags the intervals below 95 %', async () => {
    const token = await signIn(base);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const added = Math.floor(Date.now() / 1000);
    // A camera that has run only seconds of a three-minute report: most of it is not covered.
    expect((await fetch(`${base}/api/v1/cameras`, { method: 'POST', headers: auth, body: JSON.stringify({ id: 'campus', source: CAMPUS, loop: true }) })).status).toBe(201);
    await waitFor('the camera online', async () => ((await get<{ status: string }>('/api/v1/cameras/campus', token)).status === 'online' ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 6000)); // a coverage flush
    const res = await fetch(`${base}/api/v1/reports`, { method: 'POST', headers: auth, body: JSON.stringify({ cameras: ['campus'], from: added - 170, to: Math.floor(Date.now() / 1000), resolution: '1m' }) });
    const report = (await res.json()) as { id: string; body: { coverage: Array<{ coverage: number; flagged: boolean }>; timeline: Array<{ low_coverage: boolean }> } };
    expect(report.body.coverage[0]!.flagged).toBe(true);
    await page.goto(`${base}/#/reports/${report.id}`);
    const row = page.locator('[data-testid=coverage-table] tr[data-camera=campus]');
    await row.waitFor();
    expect(await row.getAttribute('data-flagged')).toBe('true');
    expect(await row.locator('td[data-cell=coverage]').textContent()).toBe(`${(report.body.coverage[0]!.coverage * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`);
    expect(await row.locator('.badge').textContent()).toBe('below 95 %');
    expect(await page.locator('[data-testid=coverage-low] li').count()).toBe(report.body.timeline.filter((r) => r.low_coverage).length);
    await shot('report-coverage');
    await page.getByTestId('language').selectOption('ru');
    await waitFor('Russian coverage card', async () => ((await page.locator('[data-testid=report-coverage] h2').textContent()) === 'Покрытие' ? true : undefined), 5000);
    expect(await row.locator('.badge').textContent()).toBe('ниже 95 %');
    await page.getByTestId('language').selectOption('en');
  }, 90_000);
});
