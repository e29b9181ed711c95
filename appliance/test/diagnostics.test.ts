import { closeSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { KeyValueStore } from '../src/store/key-value.js';
import { Outbox } from '../src/store/outbox.js';
import { TelegramClient, TelegramError } from '../src/sync/telegram-client.js';
import { TelegramService } from '../src/sync/telegram-service.js';
import { MqttPublisher } from '../src/sync/mqtt-publisher.js';
import { Aedes } from 'aedes';
import { validateConfig } from '../src/config/loader.js';
import { EventBus } from '../src/events.js';
import { SyncService } from '../src/sync/sync-service.js';
import { startBroker } from './mqtt-broker.js';
import type { Language } from '../src/alerts/locale/text.js';
import { freePort, ROOT, tempDir, waitFor } from './helpers.js';
import { localeTable } from './locale-table.js';
import { TelegramTestServer } from './telegram-server.js';

// Every diagnostic code the daemon gives has its sentence in both dashboard locales; Telegram's refusals as codes the dashboard words in the reader's language, read off real HTTP
// answers of the local Telegram server (its real error bodies, and scripted statuses), and the alert
// clip too large for a bot announced with its size limit in the site's language.

describe('diagnostic codes and the dashboard locales', () => {
  it('every code a source, a session or Telegram can be given has a sentence in English and Russian', () => {
    const sourceTs = readFileSync(join(ROOT, 'appliance/src/sources/source-diagnostic.ts'), 'utf8');
    const union = sourceTs.slice(sourceTs.indexOf('export type SourceCode'), sourceTs.indexOf(';', sourceTs.indexOf('export type SourceCode')));
    const source = [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
    const telegram = [...readFileSync(join(ROOT, 'appliance/src/sync/telegram-client.ts'), 'utf8').matchAll(/diagnostic\('([a-z_]+)'/g)].map((m) => m[1]!);
    const mqtt = [...readFileSync(join(ROOT, 'appliance/src/sync/mqtt-publisher.ts'), 'utf8').matchAll(/diagnostic\('([a-z_]+)'/g)].map((m) => m[1]!);
    expect(mqtt).toEqual(expect.arrayContaining(['mqtt_connection_refused', 'mqtt_auth_failed', 'mqtt_host_unreachable']));
    expect(source.length).toBeGreaterThan(15);
    expect(telegram).toEqual(expect.arrayContaining(['telegram_bad_token', 'telegram_chat_not_found', 'telegram_rate_limited', 'telegram_too_large', 'telegram_network']));
    for (const lang of ['en', 'ru']) {
      const table = localeTable(join(ROOT, `web-ui/src/i18n/${lang}.ts`));
      expect([...source, ...telegram, ...mqtt].filter((c) => !(`diag.${c}` in table)), lang).toEqual([]);
    }
  });
});

let server: TelegramTestServer;
afterEach(async () => server?.stop());

async function refusal(fn: () => Promise<unknown>): Promise<TelegramError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof TelegramError) return e;
    throw e;
  }
  throw new Error('Telegram accepted it');
}

describe('Telegram refusals as codes', () => {
  it('reads each refusal of a real HTTP answer: token, chat, blocked, rate limit, size, server, network', async () => {
    server = await new TelegramTestServer().start();
    const good = new TelegramClient(server.url, server.token);
    expect((await refusal(() => new TelegramClient(server.url, '999:wrong-token').getMe())).diagnostic).toEqual({ code: 'telegram_bad_token', params: { status: 401 } });
    const chat = await refusal(() => good.sendMessage('42', 'hi'));
    expect(chat.description).toBe('Bad Request: chat not found');
    expect(chat.diagnostic).toEqual({ code: 'telegram_chat_not_found', params: {} });
    server.script.push({ status: 403, description: 'Forbidden: bot was blocked by the user' });
    expect((await refusal(() => good.sendMessage('1001', 'hi'))).diagnostic).toEqual({ code: 'telegram_blocked', params: {} });
    server.script.push({ status: 429, description: 'Too Many Requests: retry after 7', retryAfter: 7 });
    expect((await refusal(() => good.sendMessage('1001', 'hi'))).diagnostic).toEqual({ code: 'telegram_rate_limited', params: { seconds: 7 } });
    // 413: the limit is the one of the method refused (videos and files 50 MB, photos 10 MB).
    server.script.push({ status: 413, description: 'Request Entity Too Large' });
    expect((await refusal(() => good.sendVideo('1001', Buffer.from([0, 0, 0, 24]), 'clip'))).diagnostic).toEqual({ code: 'telegram_too_large', params: { limit_mb: 50 } });
    server.script.push({ status: 413, description: 'Request Entity Too Large' });
    expect((await refusal(() => good.sendPhoto('1001', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'photo'))).diagnostic).toEqual({ code: 'telegram_too_large', params: { limit_mb: 10 } });
    server.script.push({ status: 502, description: 'Bad Gateway' });
    expect((await refusal(() => good.sendMessage('1001', 'hi'))).diagnostic).toEqual({ code: 'telegram_server_error', params: { status: 502 } });
    server.script.push({ status: 400, description: 'Bad Request: message text is empty' });
    expect((await refusal(() => good.sendMessage('1001', 'hi'))).diagnostic).toEqual({ code: 'telegram_bad_request', params: {} });
    // Nothing listens: the request never gets an answer.
    const port = await freePort();
    const network = await refusal(() => new TelegramClient(`http://127.0.0.1:${port}`, server.token).getMe());
    expect(network.status).toBe(0);
    expect(network.diagnostic).toEqual({ code: 'telegram_network', params: {} });
  });
});

async function service(language: Language = 'en', onDelivery: (id: number, chat: string, state: string) => void = () => {}) {
  server = await new TelegramTestServer().start();
  const db = openDatabase(join(tempDir(), 't.db'));
  await migrateToLatest(db.db);
  const clock = { now: () => Date.now(), monotonic: () => performance.now() };
  const svc = new TelegramService({ base_url: server.url, chat_ids: ['1001'], bot_token: server.token }, new KeyValueStore(db.raw), new Outbox(db.raw), clock, silentLogger(), onDelivery, () => language);
  return svc;
}

describe('Telegram channel state and test results carry the code', () => {
  it('a chat that went away fails the channel with telegram_chat_not_found naming the chat; the raw reason stays', async () => {
    const svc = await service();
    server.script.push({ status: 400, description: 'Bad Request: chat not found' });
    svc.enqueue(1, 'hello');
    svc.start();
    const st = await waitFor('the channel to fail', () => (svc.status().state === 'failed' ? svc.status() : undefined), 10_000, 50);
    await svc.stop();
    expect(st.reason).toBe('chat 1001: 400: Bad Request: chat not found');
    expect(st.reason_code).toBe('telegram_chat_not_found');
    expect(st.reason_params).toEqual({ chat: '1001' });
  });

  it('a test message per chat answers with the code beside Telegram’s words', async () => {
    const svc = await service();
    server.script.push({ status: 403, description: 'Forbidden: bot was kicked from the group chat' });
    const [r] = await svc.test('hi');
    expect(r).toEqual({ chat_id: '1001', ok: false, error: 'telegram 403: Forbidden: bot was kicked from the group chat', error_code: 'telegram_blocked', error_params: {} });
  });
});

describe('a message too large for a bot (413)', () => {
  it('is dropped with its reason and does not hold back the next ones; the channel stays ok', async () => {
    const fates: string[] = [];
    const svc = await service('en', (id, _chat, state) => fates.push(`${id}:${state}`));
    server.script.push({ status: 413, description: 'Request Entity Too Large' });
    svc.enqueue(1, 'big', Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    svc.enqueue(2, 'after it');
    svc.start();
    await waitFor('the next message', () => (server.received.length ? true : undefined), 10_000, 50);
    await svc.stop();
    expect(server.received.map((r) => r.text ?? r.caption)).toEqual(['after it']);
    expect(fates).toEqual(['1:failed: 413: Request Entity Too Large', '2:delivered']);
    expect(svc.status()).toMatchObject({ state: 'ok', failed_messages: 1 });
  });
});

describe('an alert clip too large for a bot', () => {
  /** A sparse file of `mb` MiB: its size is real, its blocks are not written. */
  function bigFile(mb: number): string {
    const path = join(tempDir(), 'clip.mp4');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, mb * 1024 * 1024);
    closeSync(fd);
    return path;
  }

  it.each([
    ['ru', 'Клип: /api/v1/notifications/5/clip.mp4 (51 МБ; бот может отправить не больше 50 МБ)'],
    ['en', 'Clip: /api/v1/notifications/5/clip.mp4 (51 MB; a bot may send at most 50 MB)'],
  ] as const)('is announced as a link with its size and the limit in the site’s language (%s)', async (lang, line) => {
    const svc = await service(lang);
    const file = bigFile(51);
    svc.clips = async () => file;
    svc.enqueueClip(5, 'Ворота: 3 человека');
    svc.start();
    await waitFor('the announcement', () => (server.received.length ? true : undefined), 10_000, 50);
    await svc.stop();
    expect(server.received).toEqual([expect.objectContaining({ method: 'sendMessage', chat_id: '1001', text: `Ворота: 3 человека\n${line}` })]);
  });
});

describe('MQTT broker refusals as codes (mqtt.js against real sockets and a real aedes broker)', () => {
  async function publisherTo(url: string, auth: { username?: string; password?: string } = {}) {
    const db = openDatabase(join(tempDir(), 'm.db'));
    await migrateToLatest(db.db);
    const clock = { now: () => Date.now(), monotonic: () => performance.now() };
    const p = new MqttPublisher({ url, clientId: 'diag-test', keepalive: 30, prefix: 'vantage/s/d', ...auth }, new Outbox(db.raw), silentLogger(), clock);
    p.start();
    return p;
  }

  it('a closed port, an unknown host and a broker refusing the login', async () => {
    const refused = await publisherTo(`mqtt://127.0.0.1:${await freePort()}`);
    const e1 = await waitFor('a refusal', () => refused.lastError ?? undefined, 10_000, 50);
    await refused.stop();
    expect(e1).toMatchObject({ code: 'mqtt_connection_refused', params: {} });
    expect(e1.text).toMatch(/ECONNREFUSED/);

    const unknown = await publisherTo('mqtt://broker.invalid:1883');
    const e2 = await waitFor('a lookup failure', () => unknown.lastError ?? undefined, 15_000, 50);
    await unknown.stop();
    expect(e2).toMatchObject({ code: 'mqtt_host_unreachable', params: { host: 'broker.invalid' } });

    const broker = await Aedes.createBroker();
    broker.authenticate = (_client, _user, _pass, cb) => cb(Object.assign(new Error('bad credentials'), { returnCode: 4 }) as never, false);
    const srv = createServer(broker.handle);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const denied = await publisherTo(`mqtt://127.0.0.1:${(srv.address() as AddressInfo).port}`, { username: 'vantage', password: 'wrong' });
      const e3 = await waitFor('a CONNACK refusal', () => denied.lastError ?? undefined, 10_000, 50);
      await denied.stop();
      expect(e3).toMatchObject({ code: 'mqtt_auth_failed', params: { code: 4 } });
      expect(e3.text).toBe('Connection refused: Bad username or password');
    } finally {
      await new Promise<void>((r) => srv.close(() => broker.close(() => r())));
    }
  }, 40_000);
});

describe('camera status over MQTT carries the code', () => {
  it('cameras/<id>/status has last_error_code and its figures beside last_error', async () => {
    const port = await freePort();
    const broker = await startBroker(port);
    const db = openDatabase(join(tempDir(), 's.db'));
    await migrateToLatest(db.db);
    const cfg = validateConfig({ site: { name: 'shop', device: 'box1' }, mqtt: { url: `mqtt://127.0.0.1:${port}` }, cameras: [{ id: 'door', source: '/dev/null' }] });
    const camera = { id: 'door', name: 'Door', status: 'stalled', lastError: 'no frame for 10 s', lastErrorCode: 'no_frames', lastErrorParams: { seconds: 10 }, activeTracks: 0 };
    const sync = new SyncService(
      cfg,
      new Outbox(db.raw),
      new EventBus(),
      { cameras: () => [camera], occupancy: () => ({}), system: async () => ({}), snapshot: async () => undefined, reportNow: async () => ({}) },
      silentLogger(),
      { now: () => Date.now(), monotonic: () => performance.now() },
    );
    try {
      sync.start();
      const m = await waitFor('the camera status', () => broker.received.find((x) => x.topic === 'vantage/shop/box1/cameras/door/status'), 10_000, 50);
      expect(m.retain).toBe(true);
      expect(JSON.parse(m.payload)).toMatchObject({ status: 'stalled', last_error: 'no frame for 10 s', last_error_code: 'no_frames', last_error_params: { seconds: 10 } });
    } finally {
      await sync.stop();
      await broker.close();
    }
  });
});
