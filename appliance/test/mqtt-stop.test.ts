import { createServer } from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { afterAll, describe, expect, it } from 'vitest';
import { STOP_DEADLINE_MS } from '../src/cli/run.js';
import { systemClock } from '../src/clock.js';
import { silentLogger } from '../src/logger.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { Outbox } from '../src/store/outbox.js';
import { MQTT_CHANNEL, MqttPublisher } from '../src/sync/mqtt-publisher.js';
import { freePort, tempDir, waitFor } from './helpers.js';

// A stop's last MQTT deliveries are bounded: a broker that stops acknowledging (a real aedes broker
// whose publish authorisation never answers, so no PUBACK comes) cannot hold the daemon's stop past
// the CLI's deadline, and what it did not acknowledge stays in the outbox for the next start.

const EVENTS = 20;
const PREFIX = 'vantage/t/box';

describe('MQTT delivery at stop with a broker that stopped acknowledging', () => {
  const dir = tempDir();
  const store = openDatabase(join(dir, 'o.db'));
  let stall = false;
  const received: string[] = [];
  let close: () => Promise<void> = async () => {};
  afterAll(async () => {
    await close();
    await store.close();
  });

  it('stop returns within the deadline; every unacknowledged message is delivered, in order, after a restart', async () => {
    await migrateToLatest(store.db);
    const broker = await Aedes.createBroker({
      authorizePublish: (_client, packet, done) => {
        if (stall) return; // never answered: no PUBACK, for the events nor the last 'offline'
        if (packet.topic.endsWith('/events')) received.push(packet.payload.toString());
        done(null);
      },
    });
    const port = await freePort();
    const server = createServer(broker.handle);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    close = () => new Promise<void>((r) => server.close(() => broker.close(() => r())));
    const outbox = new Outbox(store.raw);
    const publisher = () => new MqttPublisher({ url: `mqtt://127.0.0.1:${port}`, clientId: 'stop-test', keepalive: 60, prefix: PREFIX }, outbox, silentLogger(), systemClock);

    const first = publisher();
    first.start();
    await waitFor('connected', () => first.connected);
    stall = true;
    for (let i = 0; i < EVENTS; i++) outbox.enqueue(MQTT_CHANNEL, `${PREFIX}/events`, { n: i }, { qos: 1, now: Date.now() });
    void first.drain(); // its first publish waits for a PUBACK that never comes
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    await first.stop();
    expect(performance.now() - t0).toBeLessThan(STOP_DEADLINE_MS);
    expect(outbox.depth(MQTT_CHANNEL, Date.now()).messages).toBe(EVENTS);

    // The next start delivers all of them, in order.
    stall = false;
    const second = publisher();
    second.start();
    await waitFor('the outbox delivered', () => outbox.depth(MQTT_CHANNEL, Date.now()).messages === 0, 20_000);
    await second.stop();
    const sent = received.map((p) => (JSON.parse(p) as { n: number }).n);
    expect(sent).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
  }, 60_000);
});
