import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { CAMPUS, freePort, tempDir, waitFor } from './helpers.js';

interface Received {
  topic: string;
  payload: string;
  raw: Buffer;
  retain: boolean;
}

/** A real MQTT broker (aedes) on 127.0.0.1 that records what the appliance publishes. */
async function startBroker(port: number): Promise<{ received: Received[]; close(): Promise<void> }> {
  const broker = await Aedes.createBroker();
  const received: Received[] = [];
  broker.on('publish', (packet, client) => {
    if (client) received.push({ topic: packet.topic, payload: packet.payload.toString(), raw: Buffer.from(packet.payload), retain: packet.retain });
  });
  const server: Server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => broker.close(() => r()));
        for (const c of Object.values((broker as unknown as { clients: Record<string, { close(): void }> }).clients)) c.close();
      }),
  };
}

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
