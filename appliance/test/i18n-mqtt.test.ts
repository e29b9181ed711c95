import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { startBroker, type Published, type TestBroker } from './mqtt-broker.js';
import { api, CAMPUS, freePort, json, tempDir, waitFor } from './helpers.js';

// Issue 19, fault 8: what the appliance sends over MQTT for people to read (Home Assistant's sensor
// names, the alert text) is in the site's language, and follows a change of it. The real appliance
// with a camera on a bundled clip, a real broker (aedes) on loopback.

describe('MQTT texts in the site’s language', () => {
  let broker: TestBroker;
  let app: Appliance;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    broker = await startBroker(port);
    app = new Appliance(
      validateConfig({
        site: { name: 'demo', device: 'box' },
        http: { port: 0 },
        storage: { path: join(tempDir(), 'v.db') },
        analytics: { hourly_reports: false, daily_reports: false },
        mqtt: { url: `mqtt://127.0.0.1:${port}`, home_assistant: { enabled: true } },
        cameras: [{ id: 'yard', name: 'Yard', source: CAMPUS, loop: true, zones: [{ id: 'door', name: 'Door', points: [[0.02, 0.3], [0.98, 0.3], [0.98, 0.98], [0.02, 0.98]] }] }],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await broker?.close();
  });

  const latest = (topic: string, after = 0): Published | undefined => broker.received.filter((m) => m.topic === topic && m.at >= after && m.payload).at(-1);
  const ZONE = 'homeassistant/sensor/vantage_demo_box/yard_door_occupancy/config';
  const OBJECTS = 'homeassistant/sensor/vantage_demo_box/yard_objects/config';

  it('announces the Home Assistant sensors in English, then again in Russian when the site’s language changes', async () => {
    const en = await waitFor('English discovery', () => latest(ZONE), 30_000);
    expect(JSON.parse(en.payload)).toMatchObject({ name: 'Yard door occupancy', unit_of_measurement: 'objects', device: { model: 'edge video analytics appliance' } });
    expect(JSON.parse(latest(OBJECTS)!.payload)).toMatchObject({ name: 'Yard objects' });

    const changed = Date.now();
    expect((await api(`${base}/api/v1/settings`, json('PUT', { language: 'ru' }))).status).toBe(200);
    const ru = await waitFor('Russian discovery', () => latest(ZONE, changed), 30_000);
    expect(ru.retain).toBe(true);
    expect(JSON.parse(ru.payload)).toMatchObject({ name: 'Yard: заполненность зоны door', unit_of_measurement: 'шт.', unique_id: 'vantage_demo_box_yard_door_occupancy', device: { model: 'устройство видеоаналитики' } });
    expect(JSON.parse(latest(OBJECTS, changed)!.payload)).toMatchObject({ name: 'Yard: объекты', unique_id: 'vantage_demo_box_yard_objects' });
  }, 90_000);

  it('publishes an alert’s text in Russian', async () => {
    const created = await api(`${base}/api/v1/alert-rules`, json('POST', { name: 'Люди у двери', type: 'occupancy', zone: 'door', above: 0, for_seconds: 0, channels: ['mqtt'] }));
    expect(created.status).toBe(201);
    const alert = await waitFor('an alert on the broker', () => latest('vantage/demo/box/alerts'), 60_000);
    const body = JSON.parse(alert.payload) as { message: string };
    expect(body.message).toMatch(/^⚠ Люди у двери\nYard: в зоне «Door» \d+ \(объекты\) дольше \d+ с, порог 0$/);
  }, 90_000);
});
