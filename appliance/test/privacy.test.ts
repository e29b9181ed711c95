import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import type { CameraRuntime } from '../src/camera-runtime.js';
import { blurRegions, NO_PRIVACY } from '../src/config/privacy.js';
import { api, CAMPUS, json, waitFor } from './helpers.js';
import { startRig, type Rig } from './rig.js';
import type { TestBroker } from './mqtt-broker.js';
import type { TelegramTestServer } from './telegram-server.js';
import { detail, differingOutside, pixels, variance } from './pixel-stats.js';

describe('privacy: blurred people in served images, metadata_only sends no image anywhere', () => {
  let rig: Rig;
  let app: Appliance;
  let tg: TelegramTestServer;
  let broker: TestBroker;
  let base: string;
  let port: number;

  beforeAll(async () => {
    rig = await startRig({
      telegram: true,
      mqtt: true,
      config: () => ({
        site: { name: 'demo', device: 'box1' },
        privacy: { blur: 'people' },
        cameras: [
          // Plays once, so its last kept frame (and the snapshot) stays put once it ended.
          { id: 'campus', source: CAMPUS },
          { id: 'hidden', source: CAMPUS, loop: true, privacy: { metadata_only: true }, lines: [{ id: 'middle', points: [[0.5, 0.3], [0.5, 0.95]] }] },
        ],
      }),
    });
    ({ app, base } = rig);
    tg = rig.tg!;
    broker = rig.broker!;
    port = rig.mqttPort!;
  });
  afterAll(async () => rig?.stop());

  it('the served snapshot has every person blurred and every other pixel as the unblurred frame has it', async () => {
    await waitFor('campus ended', async () => {
      const { cameras } = (await (await api(`${base}/api/v1/cameras`)).json()) as { cameras: Array<{ id: string; status: string }> };
      return cameras.find((c) => c.id === 'campus')?.status === 'ended' ? true : undefined;
    }, 60_000);
    const res = await api(`${base}/api/v1/cameras/campus/snapshot.jpg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const served = await pixels(Buffer.from(await res.arrayBuffer()));
    // The same kept frame without privacy, and the people the appliance saw in it.
    const rt = (app as unknown as { cameraList(): CameraRuntime[] }).cameraList().find((c) => c.id === 'campus')!;
    const plain = await pixels((await rt.snapshotJpeg(NO_PRIVACY))!.jpeg);
    const people = rt.snapshotBoxes().filter((b) => b.className === 'person');
    expect(people.length).toBeGreaterThanOrEqual(2);
    const regions = blurRegions('people', people, plain.width, plain.height);
    for (const r of regions) expect(variance(served, r)).toBeLessThan(variance(plain, r));
    // Fine detail gone where a person is big enough to be recognised (below ~48 px, 8×8 JPEG block noise dominates the measure).
    for (const r of regions.filter((x) => x.width >= 48 && x.height >= 48)) expect(detail(served, r)).toBeLessThan(detail(plain, r) * 0.5);
    expect(differingOutside(plain, served, regions)).toBe(0);
    expect(differingOutside(plain, served, [])).toBeGreaterThan(1000);
  });

  it('metadata_only: the snapshot and the live view are refused with the reason, Telegram gets text only, MQTT no snapshot', async () => {
    const snap = await api(`${base}/api/v1/cameras/hidden/snapshot.jpg`);
    expect(snap.status).toBe(403);
    expect(((await snap.json()) as { error: { message: string } }).error.message).toContain('privacy.metadata_only');
    const live = await api(`${base}/api/v1/cameras/hidden/webrtc`, json('POST', { type: 'offer', sdp: 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\n' }));
    expect(live.status).toBe(403);
    expect(((await live.json()) as { error: { message: string } }).error.message).toContain('privacy.metadata_only');
    // The heatmap has no picture under it, but still answers.
    expect((await api(`${base}/api/v1/cameras/hidden/heatmap.png`)).status).toBe(200);

    expect((await api(`${base}/api/v1/notifications/telegram/connect`, json('POST', { bot_token: tg.token, chat_id: 1001 }))).status).toBe(200);
    const rule = await api(`${base}/api/v1/alert-rules`, json('POST', { name: 'Hidden crossing', type: 'line_count', camera: 'hidden', line: 'middle', over: 0, window_seconds: 60, cooldown_seconds: 3600, channels: ['telegram', 'mqtt'] }));
    expect(rule.status).toBe(201);
    const text = await waitFor('the alert as text', () => tg.received.find((r) => r.method === 'sendMessage' && r.text?.includes('Hidden crossing')), 30_000);
    expect(text.chat_id).toBe('1001');
    expect(tg.received.filter((r) => r.method === 'sendPhoto')).toHaveLength(0);

    const ctl = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'central' });
    await ctl.publishAsync('vantage/demo/box1/cmd/snapshot', JSON.stringify({ camera: 'hidden' }), { qos: 1 });
    await ctl.publishAsync('vantage/demo/box1/cmd/snapshot', JSON.stringify({ camera: 'campus' }), { qos: 1 });
    await ctl.endAsync();
    // Commands are handled in order: once campus's snapshot is there, hidden's had its turn.
    const campus = await waitFor('campus snapshot over MQTT', () => broker.received.find((m) => m.topic === 'vantage/demo/box1/cameras/campus/snapshot'), 10_000);
    expect(campus.raw.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(broker.received.filter((m) => m.topic === 'vantage/demo/box1/cameras/hidden/snapshot')).toHaveLength(0);
    expect(broker.received.some((m) => m.topic === 'vantage/demo/box1/alerts' && m.payload.includes('Hidden crossing'))).toBe(true);
  });
});
