import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvWithHeadersIn } from '../src/alerts/locale/csv-headers.js';
import { reportStrings } from '../src/alerts/messages.js';
import type { OccupancySection } from '../src/analytics/engines/occupancy.js';
import type { QueuesSection } from '../src/analytics/engines/queues.js';
import type { SpeedSection } from '../src/analytics/engines/speed.js';
import { timelineCsv, type ReportBody } from '../src/analytics/report-builder.js';
import { Reports } from '../src/analytics/reports.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { AnalyticsStore } from '../src/store/analytics-store.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../src/store/database.js';
import { renderReportPdf } from '../src/sync/report-pdf.js';
import { QUEUE_FLOW_BOX, QUEUE_LENGTH_BOX } from '../src/sync/report-pdf-sections.js';
import { tempDir } from './helpers.js';
import { pixels } from './pixel-stats.js';
import { CAMERA, DAY, FIXTURE_CONFIG, TRUTH, TZ, writeFixture, writeZoneNames } from './report-analytics-fixture.js';

/**
 * Issue 18: the scheduled report's PDF and CSV carry the same analytics sections as the report page —
 * queues, occupancy (areas with % of capacity and the day's correction, zones with a capacity) and
 * speed — from a known day of stored minute rows in a real SQLite file: the PDF's text (pdftotext) in
 * Russian and English holds the report's numbers and names, its queue charts have pixels of their
 * colours where they are drawn (pdftoppm), and the CSV's blocks hold the same numbers.
 */
type Sections = { queues: QueuesSection; occupancy: OccupancySection; speed: SpeedSection };

let store: OpenedDatabase;
let body: ReportBody;
const dir = tempDir();

async function pdfOf(language: 'en' | 'ru'): Promise<string> {
  const bytes = await renderReportPdf(body, { every: 'day', site: 'Shop', timeZone: TZ, strings: reportStrings(language), language, cameraName: (id) => (id === CAMERA.id ? CAMERA.name : id) });
  const file = join(dir, `report-${language}.pdf`);
  writeFileSync(file, bytes);
  return file;
}
const text = (file: string, page: number) => execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });
/** Collapses runs of spaces (pdftotext -layout pads columns). */
const squash = (s: string) => s.replace(/[ \t]+/g, ' ');

describe('the PDF and CSV carry the queues, occupancy and speed sections', () => {
  beforeAll(async () => {
    store = openDatabase(join(dir, 'v.db'));
    await migrateToLatest(store.db);
    await writeFixture(store.db);
    await writeZoneNames(store.db);
    const areas = validateConfig({ ...FIXTURE_CONFIG, cameras: FIXTURE_CONFIG.cameras }).analytics.occupancy.areas;
    const reports = new Reports(store.db, new AnalyticsStore(store.db), { now: () => (DAY + 2 * 86_400) * 1000, monotonic: () => 0 }, silentLogger(), undefined, () => areas);
    body = (await reports.generate('range', [CAMERA.id], DAY, DAY + 86_400, 900, { timezone: TZ, previous: true, weeks: 1, dayHour: false })).body;
  });
  afterAll(async () => {
    await store?.close();
  });

  it('renders the queue page with its table and its two charts (Russian)', async () => {
    const a = body.analytics as unknown as Sections;
    const q = a.queues.queues[0]!;
    expect(q).toMatchObject({ joined: TRUTH.queue.joined, served: TRUTH.queue.served, abandoned: TRUTH.queue.abandoned, mean_wait_seconds: TRUTH.queue.meanWait });
    const file = await pdfOf('ru');
    const page2 = squash(text(file, 2));
    expect(page2).toContain('Очереди');
    expect(page2).toContain(`Checkout tills · ${CAMERA.name} ${q.joined} ${q.served} ${q.abandoned} ${q.mean_wait_seconds} ${q.max_wait_seconds} ${q.mean_length} ${q.max_length}`);
    expect(page2).toContain('Длина очереди во времени');
    expect(page2).toContain('Обслужено и ушли за 15 мин');
    // The charts: pixels of the queue's colour inside the length box, of "served" inside the bar box.
    execFileSync('pdftoppm', ['-png', '-r', '72', '-f', '2', '-l', '2', file, join(dir, 'q')]);
    const png = readFileSync(join(dir, 'q-2.png'));
    const p = await pixels(png);
    const count = (box: { x: number; y: number; w: number; h: number }, rgb: [number, number, number]) => {
      let n = 0;
      for (let y = Math.floor(box.y); y < box.y + box.h; y++) {
        for (let x = Math.floor(box.x); x < box.x + box.w; x++) {
          const i = (y * p.width + x) * p.channels;
          if (Math.abs(p.data[i]! - rgb[0]) < 40 && Math.abs(p.data[i + 1]! - rgb[1]) < 40 && Math.abs(p.data[i + 2]! - rgb[2]) < 40) n++;
        }
      }
      return n;
    };
    expect(count(QUEUE_LENGTH_BOX, [0x1f, 0x77, 0xb4])).toBeGreaterThan(40);
    expect(count(QUEUE_FLOW_BOX, [0x2c, 0xa0, 0x2c])).toBeGreaterThan(4);
    expect(count(QUEUE_FLOW_BOX, [0xd6, 0x27, 0x28])).toBeGreaterThan(2);
  });

  it('renders occupancy with % of capacity and the day\'s correction, and the speed percentiles (Russian and English)', async () => {
    const a = body.analytics as unknown as Sections;
    const area = a.occupancy.areas.shop!;
    const z = a.occupancy.zones[0]!;
    const s = a.speed.zones.find((x) => x.zone === 'tills')!;
    const ru = squash(text(await pdfOf('ru'), 3));
    expect(ru).toContain('Заполненность и вместимость');
    expect(ru).toContain(`Shop floor · ${CAMERA.name} ${area.entries} ${area.exits} ${area.peak} ${area.capacity} ${area.peak_percent} %`);
    expect(area.peak_percent).toBe(TRUTH.area.peakPercent);
    expect(ru).toContain(`Поправка: 2026-11-25: +0 / −${TRUTH.area.removed} (сброс при закрытии +0/−${TRUTH.area.removed})`);
    expect(ru).toContain(`Checkout tills · ${CAMERA.name} ${z.peak} ${z.capacity} ${z.peak_percent} % ${z.minutes_over}`);
    expect(ru).toContain('Скорость (м/с)');
    expect(ru).toContain(`Checkout tills · ${CAMERA.name} person ${s.samples} ${s.mean_mps} ${s.p50_mps} ${s.p85_mps} ${s.p95_mps} ${s.max_mps}`);
    // The % of capacity bars: the zone over its capacity in red, the area at 45 % in blue.
    const ruFile = join(dir, 'report-ru.pdf');
    execFileSync('pdftoppm', ['-png', '-r', '72', '-f', '3', '-l', '3', ruFile, join(dir, 'o')]);
    const p = await pixels(readFileSync(join(dir, 'o-3.png')));
    const near = (i: number, rgb: [number, number, number]) => Math.abs(p.data[i]! - rgb[0]) < 30 && Math.abs(p.data[i + 1]! - rgb[1]) < 30 && Math.abs(p.data[i + 2]! - rgb[2]) < 30;
    let red = 0;
    let blue = 0;
    for (let i = 0; i < p.data.length; i += p.channels) {
      if (near(i, [0xd6, 0x27, 0x28])) red++;
      if (near(i, [0x1f, 0x77, 0xb4])) blue++;
    }
    expect(red).toBeGreaterThan(200); // 50 × 6 points at 100 %
    expect(blue).toBeGreaterThan(80); // 45 % of it
    expect(blue).toBeLessThan(red);
    const en = squash(text(await pdfOf('en'), 3));
    expect(en).toContain('Occupancy and capacity');
    expect(en).toContain('reset at closing');
    expect(en).toContain('Speed (m/s)');
    // Page 1: the busiest zone by name, with the camera's name.
    expect(squash(text(await pdfOf('en'), 1))).toContain(`Busiest zone: Checkout tills · ${CAMERA.name} (${TRUTH.entries.day})`);
  });

  it('appends the same sections to the CSV', () => {
    const a = body.analytics as unknown as Sections;
    const csv = timelineCsv(body);
    const lines = csv.split('\n');
    const after = (head: string) => lines[lines.indexOf(lines.find((l) => l.startsWith(head))!) + 1]!;
    const q = a.queues.queues[0]!;
    expect(after('queue_camera,queue_zone,queue_name,')).toBe(`door,tills,Checkout tills,${q.joined},${q.served},${q.abandoned},${q.mean_wait_seconds},${q.max_wait_seconds},${q.mean_length},${q.max_length},${q.mean_estimated_wait_seconds},${q.max_estimated_wait_seconds}`);
    const intervals = lines.filter((l) => /^door,tills,\d{4}-/.test(l));
    expect(intervals).toHaveLength(q.intervals.length);
    expect(intervals.reduce((n, l) => n + Number(l.split(',')[5]), 0)).toBe(TRUTH.queue.served);
    const area = a.occupancy.areas.shop!;
    expect(after('area,area_name,')).toBe(`shop,Shop floor,door,${area.entries},${area.exits},${area.peak},${area.capacity},${area.peak_percent}`);
    expect(after('correction_area,')).toBe(`shop,2026-11-25,closing,0,${TRUTH.area.removed},0,${TRUTH.area.removed}`);
    const z = a.occupancy.zones[0]!;
    expect(after('capacity_camera,')).toBe(`door,tills,Checkout tills,${z.peak},${z.capacity},${z.peak_percent},${z.minutes_over}`);
    const s = a.speed.zones.find((x) => x.zone === 'tills')!;
    expect(lines).toContain(`door,tills,Checkout tills,person,${s.samples},${s.mean_mps},${s.p50_mps},${s.p85_mps},${s.p95_mps},${s.max_mps}`);
    // The scheduled report's Russian CSV names every column of these blocks in Russian, one cell each, rows as they were.
    const headers = (t: string) => t.split('\n\n').map((b) => b.split('\n')[0]!);
    const ru = csvWithHeadersIn('ru', csv);
    expect(headers(ru).filter((h) => /[A-Za-z]/.test(h))).toEqual([]);
    expect(headers(ru).map((h) => h.split(',').length)).toEqual(headers(csv).map((h) => h.split(',').length));
    expect(ru.split('\n').filter((l) => !headers(ru).includes(l))).toEqual(lines.filter((l) => !headers(csv).includes(l)));
    expect(csvWithHeadersIn('en', csv)).toBe(csv);
    // The timeline and the comparisons come first, as before.
    expect(lines[0]).toMatch(/^time,tracks,visitors,/);
    expect(csv.indexOf('comparison,weeks_back')).toBeLessThan(csv.indexOf('queue_camera'));
  });
});
