import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { encodeGrid } from '../src/store/heatmap-grid.js';
import { BAR_CHART_BOX, LINE_CHART_BOX } from '../src/sync/report-pdf.js';
import { startBroker, type TestBroker } from './mqtt-broker.js';
import { CAMPUS, freePort, tempDir, waitFor } from './helpers.js';
import { TelegramTestServer } from './telegram-server.js';

/** Berlin's local midnight of the local date `daysBack` days before today (found by trying both offsets). */
function berlinMidnight(daysBack: number): number {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d - daysBack);
  const hm = (t: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(t));
  return [wall - 3_600_000, wall - 7_200_000].find((t) => hm(t) === '00:00')!;
}

/** Non-white pixels (any channel below 235) of an RGB image inside a box of points (the page rendered at 72 dpi). */
async function inkIn(png: Buffer, box: { x: number; y: number; w: number; h: number }): Promise<{ ink: number; blue: number; orange: number; area: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let ink = 0;
  let blue = 0;
  let orange = 0;
  for (let y = Math.round(box.y); y < Math.round(box.y + box.h); y++) {
    for (let x = Math.round(box.x); x < Math.round(box.x + box.w); x++) {
      const o = (y * info.width + x) * info.channels;
      const [r, g, b] = [data[o]!, data[o + 1]!, data[o + 2]!];
      if (r < 235 || g < 235 || b < 235) ink++;
      if (b > 150 && r < 80) blue++;
      if (r > 200 && g > 90 && g < 160 && b < 60) orange++;
    }
  }
  return { ink, blue, orange, area: Math.round(box.w) * Math.round(box.h) };
}

describe('scheduled reports: a PDF and a CSV to Telegram, the summary on MQTT, once per period', () => {
  const dir = process.env.H18R_KEEP ?? tempDir();
  const dbPath = join(dir, 'v.db');
  const from = berlinMidnight(1);
  const to = berlinMidnight(0);
  let tg: TelegramTestServer;
  let broker: TestBroker;
  let port: number;
  let app: Appliance;
  const got: Array<{ topic: string; payload: string }> = [];
  let client: mqtt.MqttClient;
  /** Arrivals per local day: index 0 the reported day, 1 the day before, 7 the week before. */
  const arrivalsOn = new Array<number>(9).fill(0);

  const config = () =>
    validateConfig({
      http: { port: 0 },
      storage: { path: dbPath },
      analytics: { hourly_reports: false, daily_reports: false },
      telegram: { base_url: tg.url, bot_token: tg.token, chat_ids: ['1001'] },
      mqtt: { url: `mqtt://127.0.0.1:${port}` },
      reports: { schedules: [{ every: 'day', at: '00:00', format: ['pdf', 'csv'], channels: ['telegram', 'mqtt'], language: 'ru' }] },
      cameras: [{ id: 'door', name: 'Door', source: CAMPUS, enabled: false }],
    });

  beforeAll(async () => {
    tg = await new TelegramTestServer().start();
    port = await freePort();
    broker = await startBroker(port);
    client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: 'report-reader' });
    client.on('message', (topic, payload) => got.push({ topic, payload: payload.toString() }));
    await new Promise<void>((r) => client.on('connect', () => client.subscribe('vantage/#', { qos: 1 }, () => r())));

    // The stored minute counts of the day before (in Berlin) and of the days around it, a heatmap, the site's settings.
    const store = openDatabase(dbPath);
    await migrateToLatest(store.db);
    const ins = store.raw.prepare("INSERT INTO counts_minute (camera_id, minute, kind, target, class_name, entries, exits, crossings_in, crossings_out, max_occupancy, dwell_sum, visits) VALUES ('door', ?, ?, ?, 'person', ?, ?, ?, ?, 1, 0, 0)");
    const midnights = Array.from({ length: 10 }, (_, k) => berlinMidnight(k));
    store.raw.transaction(() => {
      for (let ms = midnights[8]!; ms < to; ms += 180_000) {
        const hour = Math.floor(((ms - from + 86_400_000 * 9) % 86_400_000) / 3_600_000);
        const daysBack = midnights.findIndex((m) => ms >= m) - 1; // 0: the reported day (local days, DST included)
        if (hour < 8 || hour > 19) continue;
        const busy = (hour >= 11 && hour <= 13 ? 3 : 1) * (1 + (daysBack % 3));
        ins.run(ms / 60_000, 'zone', 'till', busy, 1, 0, 0);
        ins.run(ms / 60_000, 'line', 'entrance', 0, 0, 2 * busy, busy);
        arrivalsOn[daysBack]! += 3 * busy;
      }
    })();
    const values = new Float32Array(64 * 48).map((_, i) => ((i % 64) * (Math.floor(i / 64) + 1)) / 10);
    store.raw.prepare("INSERT INTO heatmap_hour (camera_id, class_name, kind, bucket, data) VALUES ('door', 'person', 'presence', ?, ?)").run(from / 1000 + 10 * 3600, encodeGrid({ width: 64, height: 48, values }));
    store.raw.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('app.settings', JSON.stringify({ language: 'ru', site_name: 'Склад 3', timezone: 'Europe/Berlin' }), Date.now());
    await store.close();

    app = new Appliance(config(), silentLogger());
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    client?.end(true);
    await broker?.close();
    await tg?.stop();
  });

  it('sends the day before as a PDF whose charts render non-blank, and a CSV, in Russian and Berlin time', async () => {
    const docs = await waitFor('PDF and CSV at the Telegram server', () => {
      const d = tg.received.filter((r) => r.method === 'sendDocument');
      return d.length >= 2 ? d : undefined;
    }, 60_000);
    expect(docs.map((d) => d.chat_id)).toEqual(['1001', '1001']);
    const pdf = docs.find((d) => d.document?.type === 'application/pdf')!;
    const csv = docs.find((d) => d.document?.type === 'text/csv')!;
    const label = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(from));
    expect(pdf.document!.name).toBe(`report-day-${label}.pdf`);
    expect(pdf.caption).toContain('Отчёт за день · Склад 3');
    expect(pdf.caption).toContain(`${label} (Europe/Berlin)`);
    expect(pdf.document!.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    // Every page renders; page 1's two charts and page 2's heatmap are drawn.
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf.document!.bytes);
    execFileSync('pdftoppm', ['-png', '-r', '72', file, join(dir, 'page')]);
    const pages = readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f)).sort();
    expect(pages.length).toBe(2);
    const page1 = await sharp(join(dir, pages[0]!)).toBuffer();
    const meta = await sharp(page1).metadata();
    expect(Math.abs(meta.width! - 595.28) + Math.abs(meta.height! - 841.89)).toBeLessThan(2); // A4 at 72 dpi: 1 px per point
    const line = await inkIn(page1, LINE_CHART_BOX);
    const bars = await inkIn(page1, BAR_CHART_BOX);
    expect(line.blue, 'the arrivals line').toBeGreaterThan(200);
    expect(line.orange, 'the exits line').toBeGreaterThan(100);
    // The bars: in and out both drawn, side by side (neither covers the other).
    expect(bars.blue).toBeGreaterThan(500);
    expect(bars.orange).toBeGreaterThan(200);
    const heat = await inkIn(await sharp(join(dir, pages[1]!)).toBuffer(), { x: 40, y: 60, w: 515, h: 330 });
    expect(heat.ink / heat.area).toBeGreaterThan(0.5);

    // The CSV: the timeline, then the totals and comparisons computed from the stored minutes.
    const text = csv.document!.bytes.toString();
    // Its column names in the report's language (issue 19, fault 8); the rows as the API writes them.
    expect(text.split('\n')[0]).toBe('время,треки,посетители,входы,выходы,пересечения (вход),пересечения (выход),макс. заполненность,покрытие %,низкое покрытие');
    const totals = text.split('\n').find((l) => l.startsWith('totals,'))!.split(',');
    expect(totals[1]).toBe('Europe/Berlin');
    expect(Number(totals[6])).toBe(arrivalsOn[0]); // arrivals = entries + in
    // comparison,weeks_back,from,to,entries,exits,crossings_in,crossings_out,arrivals,…,arrivals_change,arrivals_change_pct
    const row = (kind: string) => text.split('\n').find((l) => l.startsWith(`${kind},`))!.split(',');
    for (const [kind, back] of [['previous', 1], ['week', 7]] as const) {
      const r = row(kind);
      expect(Number(r[8])).toBe(arrivalsOn[back]);
      expect(Number(r[17])).toBe(arrivalsOn[0]! - arrivalsOn[back]!);
      expect(Number(r[18])).toBe(Math.round(((arrivalsOn[0]! - arrivalsOn[back]!) / arrivalsOn[back]!) * 1000) / 10);
    }
    expect(arrivalsOn[0]).not.toBe(arrivalsOn[1]);
    const change = arrivalsOn[0]! - arrivalsOn[1]!;
    expect(pdf.caption).toContain(`${change >= 0 ? '+' : ''}${change}, ${change >= 0 ? '+' : ''}${Math.round((change / arrivalsOn[1]!) * 1000) / 10}% к предыдущему дню`);
  });

  it('publishes the report on MQTT (through the outbox) with its totals', async () => {
    const msg = await waitFor('reports/scheduled on the broker', () => got.find((m) => m.topic.endsWith('/reports/scheduled')), 30_000);
    const body = JSON.parse(msg.payload) as { every: string; time_zone: string; language: string; totals: { arrivals: number }; period: { from: string; to: string }; files: Array<{ name: string }> };
    expect(body).toMatchObject({ every: 'day', time_zone: 'Europe/Berlin', language: 'ru', period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } });
    expect(body.totals.arrivals).toBe(arrivalsOn[0]);
    expect(body.files.map((f) => f.name.slice(-4))).toEqual(['.pdf', '.csv']);
  });

  it('does not send the same period again after a restart', async () => {
    await app.stop();
    app = new Appliance(config(), silentLogger());
    await app.start();
    const before = tg.attempts;
    // The scheduler checks at start; give it time to (wrongly) build and send.
    await new Promise((r) => setTimeout(r, 4000));
    expect(tg.attempts).toBe(before);
    expect(tg.received.filter((r) => r.method === 'sendDocument')).toHaveLength(2);
    expect(got.filter((m) => m.topic.endsWith('/reports/scheduled'))).toHaveLength(1);
  });
});
