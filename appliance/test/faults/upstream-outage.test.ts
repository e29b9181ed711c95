/**
 * Fault (f): the MQTT broker goes away under load (short 20 s, full 5 minutes) while the Telegram
 * server answers 500, then 429 (with retry_after), then OK. Two cameras keep producing line events and
 * alerts throughout. Afterwards: every stored MQTT event and alert reached the broker once after
 * de-duplication by id, in order per camera; every Telegram message arrived exactly once, in order; the
 * backlog drained to zero.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CAMPUS, freePort, signIn, waitFor } from '../helpers.js';
import { TelegramTestServer } from '../telegram-server.js';
import { daemonDir, FULL, metric, reportFigures, sleep, startDaemon, writeConfig, type Daemon } from './fault-kit.js';
import { startBroker, type Published, type TestBroker } from '../mqtt-broker.js';

const OUTAGE_MS = FULL ? 300_000 : 20_000;
/** Telegram fails with 5xx for about the first half of the outage (backoff 1 s doubling to 60 s), then 429s. */
const TELEGRAM_500S = FULL ? 8 : 4;
const TELEGRAM_429S = FULL ? 3 : 2;

describe(`fault: MQTT broker down ${OUTAGE_MS / 1000} s and Telegram answering 500, then 429, then OK`, () => {
  let daemon: Daemon | undefined;
  let broker: TestBroker | undefined;
  const tg = new TelegramTestServer();
  afterAll(async () => {
    await daemon?.kill();
    await broker?.close();
    await tg.stop();
  });

  it('delivers every message once (after de-duplication), in order per camera, and drains the backlog', async () => {
    await tg.start();
    const { dir, port, dbPath, head } = await daemonDir('upstream');
    const mqttPort = await freePort();
    const line = 'lines: [{ id: mid, points: [[0.5, 0.2], [0.5, 0.98]] }]';
    const cfg = writeConfig(dir, [
      ...head,
      'site: { name: faults, device: up }',
      `mqtt: { url: "mqtt://127.0.0.1:${mqttPort}", keepalive: 5 }`,
      `telegram: { bot_token: "${tg.token}", chat_ids: ["1001"], base_url: "${tg.url}" }`,
      'cameras:',
      `  - { id: campus, source: ${CAMPUS}, loop: true, ${line} }`,
      `  - { id: campus2, source: ${CAMPUS}, loop: true, detect_every: 2, ${line} }`,
    ]);
    const received: Published[] = [];
    broker = await startBroker(mqttPort);
    daemon = await startDaemon(cfg, port);
    const token = await signIn(daemon.base);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const rule = await fetch(`${daemon.base}/api/v1/alert-rules`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'walkway', type: 'line_count', line: 'mid', over: 0, window_seconds: 60, cooldown_seconds: 2, channels: ['telegram', 'mqtt'] }),
    });
    expect(rule.status).toBe(201);
    await waitFor('events and a Telegram alert flowing', () => (broker!.received.some((m) => m.topic.endsWith('/events')) && tg.received.length > 0 ? true : undefined), 40_000, 250);

    // The outage: the broker goes, Telegram starts failing.
    for (let i = 0; i < TELEGRAM_500S; i++) tg.script.push({ status: 500, description: 'Internal Server Error' });
    for (let i = 0; i < TELEGRAM_429S; i++) tg.script.push({ status: 429, description: 'Too Many Requests: retry after 2', retryAfter: 2 });
    const attemptsBefore = tg.attempts;
    received.push(...broker.received);
    await broker.close();
    broker = undefined;
    const outageStart = Date.now();
    await waitFor('a backlog', async () => ((await metric(daemon!.base, 'vantage_outbox_depth')) >= 3 ? true : undefined), 60_000, 500);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStart)));
    expect(daemon.alive()).toBe(true);
    const backlog = await metric(daemon.base, 'vantage_outbox_depth');
    broker = await startBroker(mqttPort);

    // The load stops (cameras removed through the API), so the backlog can drain to zero.
    await waitFor('Telegram through its failures', () => (tg.script.length === 0 ? true : undefined), FULL ? 400_000 : 120_000, 500);
    for (const id of ['campus', 'campus2']) expect((await fetch(`${daemon.base}/api/v1/cameras/${id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    const drained = await waitFor('the backlog drained', async () => {
      const mqttDepth = await metric(daemon!.base, 'vantage_outbox_depth');
      const t = (await (await fetch(`${daemon!.base}/api/v1/notifications/telegram`, { headers: auth })).json()) as { queued: number; state: string };
      return mqttDepth === 0 && t.queued === 0 ? { mqttDepth, telegram: t } : undefined;
    }, FULL ? 240_000 : 90_000, 500);
    expect(drained.telegram.state).toBe('ok');
    const { code } = await daemon.kill('SIGTERM');
    daemon = undefined;
    expect(code).toBe(0);
    received.push(...broker.received);
    await broker.close();
    broker = undefined;

    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare('SELECT channel, topic, payload, delivered_at, failed_at FROM outbox ORDER BY id').all() as Array<{ channel: string; topic: string; payload: string; delivered_at: number | null; failed_at: number | null }>;
    db.close();
    expect(rows.filter((r) => r.delivered_at === null), 'undelivered messages').toEqual([]);

    // MQTT: events and alerts, de-duplicated by id, in order per camera, nothing missing or extra.
    let mqttDuplicates = 0;
    const mqttFigures: Record<string, number> = {};
    for (const topic of ['vantage/faults/up/events', 'vantage/faults/up/alerts']) {
      const stored = rows.filter((r) => r.channel === 'mqtt' && r.topic === topic).map((r) => JSON.parse(r.payload) as { id: string; camera: string });
      const got = received.filter((m) => m.topic === topic).map((m) => JSON.parse(m.payload) as { id: string; camera: string });
      const seen = new Set<string>();
      const firstSeen = got.filter((e) => (seen.has(e.id) ? (mqttDuplicates++, false) : (seen.add(e.id), true)));
      expect(stored.length, `${topic} stored`).toBeGreaterThan(0);
      expect([...seen].sort(), `${topic}: every stored id received, nothing extra`).toEqual(stored.map((e) => e.id).sort());
      for (const cam of ['campus', 'campus2']) {
        expect(firstSeen.filter((e) => e.camera === cam).map((e) => e.id), `${topic} order for ${cam}`).toEqual(stored.filter((e) => e.camera === cam).map((e) => e.id));
      }
      mqttFigures[topic.split('/').pop()!] = stored.length;
    }

    // Telegram: exactly the stored messages, once each, in the stored order.
    const tgStored = rows.filter((r) => r.channel === 'telegram').map((r) => (JSON.parse(r.payload) as { text: string }).text);
    // (multipart form fields carry line breaks as CRLF)
    const tgGot = tg.received.filter((m) => m.chat_id === '1001').map((m) => (m.caption ?? m.text ?? '').replace(/\r\n/g, '\n'));
    expect(tgStored.length).toBeGreaterThan(1);
    expect(tgGot).toEqual(tgStored);
    expect(tg.attempts - attemptsBefore, 'failed attempts were retried').toBeGreaterThanOrEqual(TELEGRAM_500S + TELEGRAM_429S);

    reportFigures('upstream-outage', {
      outage_s: OUTAGE_MS / 1000,
      backlog_at_peak: backlog,
      mqtt_events_delivered: mqttFigures.events,
      mqtt_alerts_delivered: mqttFigures.alerts,
      mqtt_duplicates_deduplicated: mqttDuplicates,
      telegram_delivered: tgGot.length,
      telegram_failures_answered: TELEGRAM_500S + TELEGRAM_429S,
      lost: 0,
    });
  }, OUTAGE_MS + (FULL ? 700_000 : 240_000));
});
