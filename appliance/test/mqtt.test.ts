import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { api, CAMPUS, freePort, startCli, tempDir, waitFor } from './helpers.js';
import { startBroker, type Published } from './mqtt-broker.js';

type Received = Published;

describe('MQTT through the durable outbox', () => {
  let app: Appliance | undefined;
  afterAll(async () => app?.stop());

  it('publishes status, camera status and events; keeps them during a broker outage and delivers the backlog after', async () => {
    const dir = tempDir();
    const port = await freePort();
    let broker = await startBroker(port);
    const dbPath = join(dir, 'v.db');
    app = new Appliance(
      validateConfig({
        site: { name: 'demo', device: 'box1' },
        http: { port: 0 },
        storage: { path: dbPath },
        analytics: { hourly_reports: false, daily_reports: false },
        mqtt: { url: `mqtt://127.0.0.1:${port}` },
        cameras: [{ id: 'campus', source: CAMPUS, loop: true, lines: [{ id: 'middle', points: [[0.5, 0.3], [0.5, 0.95]] }], zones: [{ id: 'left', points: [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]] }] }],
      }),
      silentLogger(),
    );
    await app.start();
    const base = `http://127.0.0.1:${app.address!.port}`;
    const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? NaN);

    await waitFor('status, camera status and events', () => {
      const topics = new Set(broker.received.map((m) => m.topic));
      return topics.has('vantage/demo/box1/status') && topics.has('vantage/demo/box1/cameras/campus/status') && topics.has('vantage/demo/box1/events') ? true : undefined;
    }, 20_000);
    expect(broker.received.find((m) => m.topic === 'vantage/demo/box1/status')).toMatchObject({ payload: 'online', retain: true });
    const camStatus = broker.received.find((m) => m.topic === 'vantage/demo/box1/cameras/campus/status')!;
    expect(camStatus.retain).toBe(true);
    const event = JSON.parse(broker.received.find((m) => m.topic === 'vantage/demo/box1/events')!.payload) as { id: string; type: string; camera: string; time: string };
    expect(event).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), camera: 'campus', type: expect.stringMatching(/^(zone|line)\./) });
    expect(await metric('vantage_mqtt_connected')).toBe(1);

    // An alert goes out on `alerts` (QoS 1, with its notification id), and its history entry says delivered.
    const rule = await api(`${base}/api/v1/alert-rules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'crossing', type: 'line_count', camera: 'campus', line: 'middle', over: 0, window_seconds: 60, channels: ['mqtt'] }) });
    expect(rule.status).toBe(201);
    const alert = await waitFor('an alert over MQTT', () => broker.received.find((m) => m.topic === 'vantage/demo/box1/alerts'), 20_000);
    const alertBody = JSON.parse(alert.payload) as { id: string; notification_id: number; rule: { name: string }; camera: string; message: string };
    expect(alertBody).toMatchObject({ id: expect.any(String), rule: { name: 'crossing' }, camera: 'campus', message: expect.stringContaining('crossing') });
    await waitFor('history says delivered', async () => {
      const { notifications } = (await (await api(`${base}/api/v1/notifications`)).json()) as { notifications: Array<{ id: number; deliveries: { mqtt?: string } }> };
      return notifications.find((n) => n.id === alertBody.notification_id)?.deliveries.mqtt === 'delivered' ? true : undefined;
    }, 10_000);

    // Commands: a snapshot (binary JPEG, straight to the broker) and a report generated now.
    const ctl = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'central' });
    await ctl.publishAsync('vantage/demo/box1/cmd/snapshot', JSON.stringify({ camera: 'campus' }), { qos: 1 });
    await ctl.publishAsync('vantage/demo/box1/cmd/report', '', { qos: 1 });
    await ctl.publishAsync('vantage/demo/box1/cmd/reboot', '', { qos: 1 });
    await ctl.endAsync();
    const snap = await waitFor('a snapshot', () => broker.received.find((m) => m.topic === 'vantage/demo/box1/cameras/campus/snapshot'), 10_000);
    expect(snap.raw.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff])); // JPEG
    const rep = await waitFor('a requested report', () => broker.received.find((m) => m.topic === 'vantage/demo/box1/reports/requested'), 10_000);
    expect(JSON.parse(rep.payload)).toMatchObject({ id: expect.any(String), kind: 'range', cameras: ['campus'], body: { tracks: { total: expect.any(Number) } } });

    // The broker goes away: events keep coming and wait in the outbox.
    await broker.close();
    await waitFor('a backlog', async () => ((await metric('vantage_outbox_depth')) >= 3 ? true : undefined), 30_000, 500);
    expect(await metric('vantage_mqtt_connected')).toBe(0);

    // It comes back on the same port: the backlog drains, in order, and nothing is lost.
    broker = await startBroker(port);
    await waitFor('the backlog delivered', async () => ((await metric('vantage_outbox_depth')) === 0 ? true : undefined), 30_000, 500);
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare("SELECT payload FROM outbox WHERE topic = 'vantage/demo/box1/events' ORDER BY id").all() as Array<{ payload: string }>;
    const undelivered = (db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL').get() as { n: number }).n;
    db.close();
    expect(undelivered).toBe(0);
    const sentAfter = broker.received.filter((m) => m.topic === 'vantage/demo/box1/events').map((m) => (JSON.parse(m.payload) as { id: string }).id);
    const stored = rows.map((r) => (JSON.parse(r.payload) as { id: string }).id);
    expect(sentAfter.length).toBeGreaterThanOrEqual(3);
    // What the new broker got is a tail of the stored sequence, in the same order.
    const start = stored.indexOf(sentAfter[0]!);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(stored.slice(start, start + sentAfter.length)).toEqual(sentAfter);
    await app.stop();
    app = undefined;
    expect(broker.received.filter((m) => m.topic === 'vantage/demo/box1/status').at(-1)).toMatchObject({ payload: 'offline', retain: true });
    await broker.close();
  });
});

describe('MQTT outage with the daemon SIGKILLed in the middle of it', () => {
  it('after a 30 s outage and a kill -9, a subscriber gets every stored event once (after de-duplication), in order per camera; HA discovery configs are retained', async () => {
    const dir = tempDir();
    const port = await freePort();
    const http = await freePort();
    const dbPath = join(dir, 'v.db');
    const cfg = join(dir, 'config.yaml');
    writeFileSync(
      cfg,
      [
        'site: { name: demo, device: box2 }',
        `http: { port: ${http} }`,
        `storage: { path: ${dbPath} }`,
        'analytics: { hourly_reports: false, daily_reports: false }',
        `mqtt: { url: "mqtt://127.0.0.1:${port}", home_assistant: { enabled: true } }`,
        'cameras:',
        `  - { id: campus, source: ${CAMPUS}, loop: true, lines: [{ id: middle, points: [[0.5, 0.3], [0.5, 0.95]] }], zones: [{ id: left, points: [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]] }] }`,
        `  - { id: campus2, source: ${CAMPUS}, loop: true, lines: [{ id: middle, points: [[0.5, 0.3], [0.5, 0.95]] }] }`,
        '',
      ].join('\n'),
    );
    const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`http://127.0.0.1:${http}/metrics`)).text())?.[1] ?? NaN);
    const received: Received[] = [];
    let broker = await startBroker(port);
    let daemon = startCli(['run', '--config', cfg]);
    try {
      await waitFor('events flowing', () => (broker.received.filter((m) => m.topic === 'vantage/demo/box2/events').length >= 3 ? true : undefined), 30_000);
      const discovery = broker.received.filter((m) => m.topic.startsWith('homeassistant/sensor/'));
      const zoneSensor = discovery.find((m) => m.topic === 'homeassistant/sensor/vantage_demo_box2/campus_left_occupancy/config')!;
      expect(zoneSensor.retain).toBe(true);
      expect(JSON.parse(zoneSensor.payload)).toMatchObject({ state_topic: 'vantage/demo/box2/cameras/campus/counts', availability_topic: 'vantage/demo/box2/status', unique_id: 'vantage_demo_box2_campus_left_occupancy', value_template: expect.stringContaining('totals') });
      expect(discovery.map((m) => m.topic)).toContain('homeassistant/sensor/vantage_demo_box2/campus2_objects/config');
      const counts = JSON.parse(broker.received.find((m) => m.topic === 'vantage/demo/box2/cameras/campus/counts')!.payload) as { totals: Record<string, number>; active: number };
      expect(counts.totals).toHaveProperty('left');
      expect(typeof counts.active).toBe('number');

      received.push(...broker.received);
      await broker.close();
      const outageStart = Date.now();
      await new Promise((r) => setTimeout(r, 12_000));
      daemon.kill('SIGKILL');
      await new Promise((r) => daemon.once('exit', r));
      daemon = startCli(['run', '--config', cfg]);
      await waitFor('the daemon back', async () => ((await fetch(`http://127.0.0.1:${http}/readyz`)).status === 200 ? true : undefined), 30_000);
      await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - outageStart))));
      broker = await startBroker(port);
      await waitFor('the backlog delivered', async () => ((await metric('vantage_outbox_depth')) === 0 ? true : undefined), 60_000, 500);
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
      received.push(...broker.received);
      await broker.close();

      const db = new Database(dbPath, { readonly: true });
      const stored = (db.prepare("SELECT payload FROM outbox WHERE topic = 'vantage/demo/box2/events' ORDER BY id").all() as Array<{ payload: string }>).map((r) => JSON.parse(r.payload) as { id: string; camera: string });
      const undelivered = (db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE channel = 'mqtt' AND delivered_at IS NULL").get() as { n: number }).n;
      db.close();
      expect(undelivered).toBe(0);
      const got = received.filter((m) => m.topic === 'vantage/demo/box2/events').map((m) => JSON.parse(m.payload) as { id: string; camera: string });
      const firstSeen: typeof got = [];
      const ids = new Set<string>();
      for (const e of got) if (!ids.has(e.id)) (ids.add(e.id), firstSeen.push(e));
      expect(stored.length).toBeGreaterThan(10);
      expect([...ids].sort()).toEqual(stored.map((e) => e.id).sort()); // every one, nothing extra
      for (const cam of ['campus', 'campus2']) {
        expect(firstSeen.filter((e) => e.camera === cam).map((e) => e.id)).toEqual(stored.filter((e) => e.camera === cam).map((e) => e.id));
      }
    } finally {
      daemon.kill('SIGKILL');
    }
  }, 150_000);
});
