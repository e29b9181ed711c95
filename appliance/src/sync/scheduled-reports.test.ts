import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { AnalyticsStore } from '../store/analytics-store.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../store/database.js';
import { KeyValueStore } from '../store/key-value.js';
import { Outbox } from '../store/outbox.js';
import { Reports } from '../analytics/reports.js';
import { TelegramTestServer } from '../../test/telegram-server.js';
import { TelegramService } from './telegram-service.js';
import { duePeriod, ScheduledReports } from './scheduled-reports.js';

const iso = (p: { from: number; to: number }) => [new Date(p.from).toISOString(), new Date(p.to).toISOString()];

describe('scheduled report periods (Europe/Berlin, across the spring DST change)', () => {
  const tz = 'Europe/Berlin';
  it('a day: the local day before once `at` has passed, else the one before that', () => {
    // Monday 30 March 2026, 07:00 CEST = 05:00Z; Sunday 29 March had 23 hours.
    expect(iso(duePeriod('day', '07:00', Date.UTC(2026, 2, 30, 5), tz))).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect(iso(duePeriod('day', '07:00', Date.UTC(2026, 2, 30, 4, 59), tz))).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z']);
  });
  it('a week: Monday to Monday, sent on Monday', () => {
    expect(iso(duePeriod('week', '07:00', Date.UTC(2026, 2, 30, 5), tz))).toEqual(['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect(iso(duePeriod('week', '07:00', Date.UTC(2026, 2, 30, 4), tz))).toEqual(['2026-03-15T23:00:00.000Z', '2026-03-22T23:00:00.000Z']);
  });
  it('a month: the calendar month, sent on the 1st (and January looks back to December)', () => {
    expect(iso(duePeriod('month', '07:00', Date.UTC(2026, 3, 1, 5), tz))).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z']);
    expect(iso(duePeriod('month', '07:00', Date.UTC(2026, 3, 1, 4), tz))).toEqual(['2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z']);
    expect(iso(duePeriod('month', '00:00', Date.UTC(2026, 0, 15), tz))).toEqual(['2025-11-30T23:00:00.000Z', '2025-12-31T23:00:00.000Z']);
  });
});

describe('scheduled reports: once per period, one catch-up after downtime (real SQLite, outbox, Telegram server)', () => {
  let store: OpenedDatabase;
  let tg: TelegramTestServer;
  const clock = { t: Date.UTC(2026, 2, 30, 6), now: () => clock.t, monotonic: () => clock.t };

  beforeAll(async () => {
    tg = await new TelegramTestServer().start();
    store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-sched-')), 's.db'));
    await migrateToLatest(store.db);
  });
  afterAll(async () => {
    await store?.close();
    await tg?.stop();
  });

  it('sends a due period once, skips it on later checks, and after three days down sends only the latest', async () => {
    const kv = new KeyValueStore(store.raw);
    const outbox = new Outbox(store.raw);
    const telegram = new TelegramService({ bot_token: tg.token, chat_ids: ['1001'], base_url: tg.url }, kv, outbox, clock, silentLogger());
    const reports = new Reports(store.db, new AnalyticsStore(store.db), clock, silentLogger());
    const mqttSent: Array<Record<string, unknown>> = [];
    const schedule = (): ScheduledReports =>
      new ScheduledReports({
        schedules: [{ every: 'day', at: '07:00', format: ['csv'], channels: ['telegram', 'mqtt'], language: 'en' }],
        kv,
        clock,
        log: silentLogger(),
        settings: () => ({ timezone: 'Europe/Berlin', language: 'ru', site_name: 'Shop' }),
        cameras: () => ['door'],
        generate: (cams, from, to, res, analysis) => reports.generate('range', cams, from, to, res, analysis),
        telegram: (f, caption, chats) => telegram.enqueueDocument(f, caption, chats),
        // The real outbox, on the channel the MQTT publisher drains.
        mqtt: (body) => (outbox.enqueue('mqtt', 'reports/scheduled', body, { now: clock.now() }), mqttSent.push(body)),
      });
    const queued = () => (store.raw.prepare("SELECT payload FROM outbox WHERE channel = 'telegram' ORDER BY id").all() as Array<{ payload: string }>).map((r) => (JSON.parse(r.payload) as { document: { name: string } }).document.name);

    await schedule().kick();
    expect(queued()).toEqual(['report-day-2026-03-29.csv']);
    await schedule().kick(); // a restart: the same period is not sent again
    await schedule().kick();
    expect(queued()).toHaveLength(1);
    expect(mqttSent).toHaveLength(1);

    clock.t = Date.UTC(2026, 3, 2, 12); // three days later: 30 and 31 March and 1 April are due; only 1 April goes
    await schedule().kick();
    await schedule().kick();
    expect(queued()).toEqual(['report-day-2026-03-29.csv', 'report-day-2026-04-01.csv']);
    expect(mqttSent.map((b) => (b.period as { label: string }).label)).toEqual(['2026-03-29', '2026-04-01']);
    await telegram.stop();
  });
});
