import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OccupancySection } from '../src/analytics/engines/occupancy.js';
import type { QueuesSection } from '../src/analytics/engines/queues.js';
import type { SpeedSection } from '../src/analytics/engines/speed.js';
import type { ReportBody } from '../src/analytics/report-builder.js';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { api, json, STADTMITTE, tempDir } from './helpers.js';
import { ARTIFACTS, launchChromium, PageErrors, signInPage } from './browser.js';
import { pixels } from './pixel-stats.js';
import { CAMERA, DAY, FIXTURE_CONFIG, TRUTH, TZ, writeFixture } from './report-analytics-fixture.js';

/**
 * Issue 18 in the dashboard (real Chromium, the built web-ui/dist, the daemon on a real SQLite file
 * holding a known shop day's minute rows): the report page renders the comparisons, the peak hour and
 * busiest zone, the weekday × hour table, the queues, occupancy and speed sections, with names, not
 * ids, and every number read off the page equals the API's report.
 */
type Sections = { queues: QueuesSection; occupancy: OccupancySection; speed: SpeedSection };

let app: Appliance;
let base: string;
let browser: Browser;
let page: Page;
let report: { id: string; body: ReportBody };
const errors = new PageErrors();

/** The number in a cell's text ("1,234", "30s", "45 %", "+3", "−2"). */
const num = (s: string | null) => Number((s ?? '').replace(/[−–]/g, '-').replace(/[^\d.\-+]/g, ''));

describe('report page: the analytics sections (Chromium)', () => {
  beforeAll(async () => {
    const path = join(tempDir(), 'v.db');
    const store = openDatabase(path);
    await migrateToLatest(store.db);
    await writeFixture(store.db);
    await store.close();
    const cameras = FIXTURE_CONFIG.cameras.map((c) => ({ ...c, source: STADTMITTE }));
    app = new Appliance(validateConfig({ http: { port: 0 }, storage: { path }, ...FIXTURE_CONFIG, cameras }), silentLogger());
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
    const r = await api(`${base}/api/v1/reports`, json('POST', { cameras: [CAMERA.id], from: DAY, to: DAY + 86_400, resolution: '15m', compare_previous: true, compare_weeks: 1, day_hour: true, timezone: TZ }));
    expect(r.status).toBe(201);
    report = (await r.json()) as typeof report;
    browser = await launchChromium();
    page = errors.watch(await (await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' })).newPage());
    await signInPage(page, base);
    await page.goto(`${base}/#/reports/${report.id}`);
    await page.getByTestId('report-speed').waitFor({ timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('the API report holds what the rows say (checked by hand)', () => {
    const b = report.body;
    const a = b.analytics as unknown as Sections;
    expect(b.totals!.entries).toBe(TRUTH.entries.day);
    expect(b.comparisons!.map((c) => [c.kind, c.totals.entries])).toEqual([['previous', TRUTH.entries.before], ['week', TRUTH.entries.weekBefore]]);
    expect(b.peak_hour!.local).toBe(TRUTH.peakHour);
    expect(a.queues.queues[0]).toMatchObject({ zone: 'tills', name: 'Checkout tills', joined: TRUTH.queue.joined, served: TRUTH.queue.served, abandoned: TRUTH.queue.abandoned, mean_wait_seconds: TRUTH.queue.meanWait, max_length: TRUTH.queue.maxLength });
    expect(a.occupancy.areas.shop).toMatchObject({ name: 'Shop floor', cameras: ['door'], entries: TRUTH.area.entries, exits: TRUTH.area.exits, peak: TRUTH.area.peak, capacity: TRUTH.area.capacity, peak_percent: TRUTH.area.peakPercent });
    expect(a.occupancy.areas.shop!.corrections).toEqual([{ day: '2026-11-25', added: 0, removed: TRUTH.area.removed, by_reason: { closing: { added: 0, removed: TRUTH.area.removed } } }]);
    expect(a.occupancy.zones[0]).toMatchObject({ name: 'Checkout tills', peak: TRUTH.zoneCapacity.peak, capacity: 8, peak_percent: TRUTH.zoneCapacity.peakPercent, minutes_over: TRUTH.zoneCapacity.minutesOver });
    expect(a.speed.zones[0]).toMatchObject({ zone: 'tills', name: 'Checkout tills', class: 'person', samples: TRUTH.speeds.person.length });
  });

  it('renders the comparisons, peak hour and busiest zone as the API gives them', async () => {
    const b = report.body;
    const table = page.getByTestId('comparison-table');
    for (const m of ['arrivals', 'entries', 'exits', 'crossings_in', 'crossings_out'] as const) {
      const row = table.locator(`tr[data-metric=${m}]`);
      expect(num(await row.locator('[data-cell=now]').textContent())).toBe(b.totals![m]);
      for (const [i, c] of b.comparisons!.entries()) {
        expect(num(await row.locator(`[data-cell=then-${i}]`).textContent())).toBe(c.totals[m]);
        expect(num(await row.locator(`[data-cell=change-${i}] [data-cell=abs]`).textContent())).toBe(c.change[m].abs);
        if (c.change[m].pct !== null) expect(num(await row.locator(`[data-cell=change-${i}] [data-cell=pct]`).textContent())).toBe(c.change[m].pct);
      }
    }
    expect(await page.getByTestId('peak-hour').locator('.kpi-value').textContent()).toBe(b.peak_hour!.local);
    expect(num(await page.getByTestId('peak-hour').locator('[data-cell=arrivals]').textContent())).toBe(b.peak_hour!.arrivals);
    // Names, not ids: the zone's and the camera's display names.
    expect(await page.getByTestId('busiest-zone').locator('.kpi-value').textContent()).toBe('Checkout tills');
    expect(await page.getByTestId('busiest-zone').textContent()).toContain(CAMERA.name);
    // The day × hour table: Wednesday 14:00 holds the peak hour's arrivals.
    const cell = page.getByTestId('day-hour-table').locator('tr[data-weekday="2"] td[data-hour="14"]');
    expect(num(await cell.textContent())).toBe(b.day_hour!.average[2]![14]);
    expect(b.day_hour!.average[2]![14]).toBe(b.peak_hour!.arrivals);
  });

  it('renders the queues, occupancy and speed sections with the API numbers, units and names', async () => {
    const a = report.body.analytics as unknown as Sections;
    const q = a.queues.queues[0]!;
    const qRow = page.getByTestId('queue-table').locator('tr[data-queue=tills]');
    expect(await qRow.locator('td').first().textContent()).toBe(`Checkout tills ${CAMERA.name}`);
    for (const [cell, v] of [['joined', q.joined], ['served', q.served], ['abandoned', q.abandoned], ['mean-wait', q.mean_wait_seconds], ['max-wait', q.max_wait_seconds], ['mean-length', q.mean_length], ['max-length', q.max_length]] as const) {
      expect(num(await qRow.locator(`[data-cell=${cell}]`).textContent()), cell).toBe(v);
    }
    expect(await qRow.locator('[data-cell=mean-wait]').textContent()).toBe(`${q.mean_wait_seconds}s`);

    const area = a.occupancy.areas.shop!;
    const aRow = page.getByTestId('area-table').locator('tr[data-area=shop]');
    expect(await aRow.locator('td').first().textContent()).toBe(`Shop floor ${CAMERA.name}`);
    for (const [cell, v] of [['entries', area.entries], ['exits', area.exits], ['peak', area.peak], ['capacity', area.capacity], ['peak-percent', area.peak_percent]] as const) {
      expect(num(await aRow.locator(`[data-cell=${cell}]`).textContent()), cell).toBe(v);
    }
    expect(await aRow.locator('[data-cell=peak-percent]').textContent()).toBe(`${area.peak_percent} %`);
    const day = aRow.locator('[data-day="2026-11-25"]');
    expect(num(await day.locator('[data-cell=added]').textContent())).toBe(area.corrections[0]!.added);
    expect(num(await day.locator('[data-cell=removed]').textContent())).toBe(-area.corrections[0]!.removed);
    expect(await day.textContent()).toContain('reset at closing');
    const z = a.occupancy.zones[0]!;
    const zRow = page.getByTestId('capacity-table').locator('tr[data-zone=tills]');
    for (const [cell, v] of [['peak', z.peak], ['capacity', z.capacity], ['peak-percent', z.peak_percent], ['minutes-over', z.minutes_over]] as const) {
      expect(num(await zRow.locator(`[data-cell=${cell}]`).textContent()), cell).toBe(v);
    }

    const s = a.speed.zones[0]!;
    const sRow = page.getByTestId('speed-table').locator('tr[data-zone=tills][data-class=person]');
    expect(await sRow.locator('td').first().textContent()).toBe(`Checkout tills ${CAMERA.name}`);
    for (const [cell, v] of [['samples', s.samples], ['mean', s.mean_mps], ['p50', s.p50_mps], ['p85', s.p85_mps], ['p95', s.p95_mps], ['max', s.max_mps]] as const) {
      expect(num(await sRow.locator(`[data-cell=${cell}]`).textContent()), cell).toBe(v);
    }
    expect(await page.getByTestId('report-speed').textContent()).toContain('m/s');
  });

  it('draws the queue length as steps and served/abandoned as bars (pixels of their colours)', async () => {
    const count = async (testid: string, rgb: [number, number, number]) => {
      const p = await pixels(await page.getByTestId(testid).locator('canvas').first().screenshot());
      let n = 0;
      for (let i = 0; i < p.data.length; i += p.channels) if (Math.abs(p.data[i]! - rgb[0]) < 30 && Math.abs(p.data[i + 1]! - rgb[1]) < 30 && Math.abs(p.data[i + 2]! - rgb[2]) < 30) n++;
      return n;
    };
    expect(await count('queue-length-tills', [0x25, 0x63, 0xeb])).toBeGreaterThan(50); // mean length, blue
    expect(await count('queue-flow-tills', [0x16, 0xa3, 0x4a])).toBeGreaterThan(20); // served bars, green
    expect(await page.getByTestId('queue-length-tills').textContent()).toContain('Mean length');
    await page.screenshot({ path: join(ARTIFACTS, 'report-analytics.png'), fullPage: true });
    expect(errors.take()).toEqual([]);
  });
});
