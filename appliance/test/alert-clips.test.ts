import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, json, waitFor } from './helpers.js';
import { startRig, type Rig } from './rig.js';
import type { TestBroker } from './mqtt-broker.js';
import type { TelegramTestServer } from './telegram-server.js';

const POST_SECONDS = 3;

describe('an alert\'s clip upstream: Telegram photo then video, MQTT announcement, through an outage', () => {
  let rig: Rig;
  let dir: string;
  let tg: TelegramTestServer;
  let broker: TestBroker;
  let base: string;

  beforeAll(async () => {
    rig = await startRig({
      telegram: true,
      mqtt: true,
      rtsp: true,
      config: (urls) => ({
        site: { name: 'demo', device: 'box1' },
        cameras: [{ id: 'street', name: 'Street', source: urls.rtsp, record: { mode: 'events', pre_seconds: 2, post_seconds: POST_SECONDS }, zones: [{ id: 'all', points: [[0, 0], [1, 0], [1, 1], [0, 1]] }] }],
      }),
    });
    ({ dir, base } = rig);
    tg = rig.tg!;
    broker = rig.broker!;
  });
  afterAll(async () => rig?.stop());

  it('sends the photo, then the clip once its post roll is recorded, once each, in order, though Telegram fails and goes away meanwhile', { timeout: 180_000 }, async () => {
    expect((await api(`${base}/api/v1/notifications/telegram/connect`, json('POST', { bot_token: tg.token, chat_id: 1001 }))).status).toBe(200);
    // An outage: three 5xx answers, then the server is gone for 8 s, then it is back.
    tg.script.push({ status: 500 }, { status: 502 }, { status: 503 });
    const rule = await api(`${base}/api/v1/alert-rules`, json('POST', { name: 'Someone there', type: 'occupancy', camera: 'street', zone: 'all', above: 0, for_seconds: 0, cooldown_seconds: 3600, channels: ['telegram', 'mqtt'] }));
    expect(rule.status).toBe(201);
    type N = { id: number; time: string; rule_name: string };
    const fired = await waitFor('the alert', async () => ((await (await api(`${base}/api/v1/notifications`)).json()) as { notifications: N[] }).notifications.find((n) => n.rule_name === 'Someone there'), 30_000);
    await waitFor('the 5xx answers used up', () => (tg.script.length === 0 ? true : undefined), 30_000);
    await tg.stop();
    await new Promise((r) => setTimeout(r, 8000));
    await tg.start();

    const video = await waitFor('the clip in Telegram', () => tg.received.find((r) => r.method === 'sendVideo'), 120_000, 500);
    await new Promise((r) => setTimeout(r, 3000)); // nothing more comes
    const mine = tg.received.filter((r) => r.chat_id === '1001' && (r.method === 'sendPhoto' || r.method === 'sendVideo'));
    expect(mine.map((r) => r.method)).toEqual(['sendPhoto', 'sendVideo']);
    expect(mine[0]!.caption).toContain('Someone there');
    expect(video.caption).toContain('Someone there');
    expect(video.video!.type).toBe('video/mp4');
    expect(video.video!.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    // Sent only after the post roll was recorded, and it is a clip of the pre and post roll.
    const firedAt = Date.parse(fired.time);
    expect(video.at).toBeGreaterThan(firedAt + POST_SECONDS * 1000);
    const file = join(dir, 'sent.mp4');
    writeFileSync(file, video.video!.bytes);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
    expect(Number(probe.stdout.trim())).toBeGreaterThan(POST_SECONDS);

    // MQTT: the announcement, with the path that serves the same clip.
    const ann = await waitFor('the clip announced over MQTT', () => broker.received.find((m) => m.topic === `vantage/demo/box1/alerts/${fired.id}/clip`), 30_000);
    const body = JSON.parse(ann.payload) as { notification_id: number; camera: string; url: string };
    expect(body).toMatchObject({ notification_id: fired.id, camera: 'street', url: `/api/v1/notifications/${fired.id}/clip.mp4` });
    const served = await api(`${base}${body.url}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(video.video!.bytes)).toBe(true);
    expect(broker.received.filter((m) => m.topic.endsWith('/clip'))).toHaveLength(1);
  });
});
