import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { KeyValueStore } from '../store/key-value.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { Outbox } from '../store/outbox.js';
import { TelegramTestServer } from '../../test/telegram-server.js';
import { tempDir, waitFor } from '../../test/helpers.js';
import { TelegramService, TELEGRAM_CHANNEL } from './telegram-service.js';
import { STOP_DEADLINE_MS } from '../cli/run.js';

let server: TelegramTestServer;
afterEach(async () => server?.stop());

async function setup(cfg: { bot_token?: string; chat_ids?: string[] } = {}) {
  server = await new TelegramTestServer().start();
  const db = openDatabase(join(tempDir(), 't.db'));
  await migrateToLatest(db.db);
  const outbox = new Outbox(db.raw);
  const clock = { now: () => Date.now(), monotonic: () => performance.now() };
  const fates: Array<[number, string, string]> = [];
  const svc = new TelegramService({ base_url: server.url, chat_ids: cfg.chat_ids ?? [], ...(cfg.bot_token ? { bot_token: cfg.bot_token } : {}) }, new KeyValueStore(db.raw), outbox, clock, silentLogger(), (id, chat, state) => fates.push([id, chat, state]));
  return { svc, outbox, fates, db };
}

describe('Telegram delivery through the outbox', () => {
  it('connect checks the token with getMe and the chat with a test message; bad ones are 400 naming the field', async () => {
    const { svc } = await setup();
    await expect(svc.connect('999:wrong-token-abcdefghijklmnopqrstu', '1001', 'hi')).rejects.toMatchObject({ code: 'ERR_BAD_REQUEST', field: 'bot_token' });
    await expect(svc.connect(server.token, '42', 'hi')).rejects.toMatchObject({ code: 'ERR_BAD_REQUEST', field: 'chat_id' });
    const status = await svc.connect(server.token, '1001', 'hello from the test');
    expect(status).toMatchObject({ configured: true, source: 'api', bot_username: 'vantage_test_bot', chat_ids: ['1001'], state: 'ok' });
    expect(server.received).toEqual([expect.objectContaining({ method: 'sendMessage', chat_id: '1001', text: 'hello from the test' })]);
  });

  it('500 backs off, 429 waits retry_after, then every message arrives once, in order, photo as image/jpeg', async () => {
    const { svc, outbox, fates } = await setup({ bot_token: '123456:TEST-token-abcdefghijklmnopqrstuvwxyz', chat_ids: ['1001'] });
    server.script.push({ status: 500 }, { status: 429, retryAfter: 2 });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    svc.enqueue(1, 'first', jpeg);
    svc.enqueue(2, 'second');
    svc.enqueue(3, 'third');
    svc.start();
    const t0 = Date.now();
    await waitFor('three messages', () => (server.received.length >= 3 ? true : undefined), 20_000, 50);
    await svc.stop();
    expect(server.received.map((r) => r.caption ?? r.text)).toEqual(['first', 'second', 'third']);
    expect(server.received[0]!.photo!.type).toBe('image/jpeg');
    expect(server.received[0]!.photo!.bytes.equals(jpeg)).toBe(true);
    // 1 s backoff after the 500, then the 2 s Telegram asked for after the 429.
    expect(server.received[0]!.at - t0).toBeGreaterThanOrEqual(2900);
    expect(server.attempts).toBe(5);
    expect(outbox.depth(TELEGRAM_CHANNEL, Date.now()).messages).toBe(0);
    expect(fates.map(([id, , s]) => `${id}:${s}`)).toEqual(['1:delivered', '2:delivered', '3:delivered']);
  });

  it('a 400 (chat gone) marks the message and the channel failed with the reason; nothing is retried until reconnected', async () => {
    const { svc, fates } = await setup({ bot_token: '123456:TEST-token-abcdefghijklmnopqrstuvwxyz', chat_ids: ['1001'] });
    server.script.push({ status: 400, description: 'Bad Request: chat not found' });
    svc.enqueue(7, 'lost chat');
    svc.enqueue(8, 'after it');
    svc.start();
    await waitFor('channel failed', () => (svc.status().state === 'failed' ? true : undefined), 10_000, 50);
    await new Promise((r) => setTimeout(r, 2500));
    expect(server.attempts).toBe(1); // no retry storm
    expect(svc.status()).toMatchObject({ state: 'failed', reason: 'chat 1001: 400: Bad Request: chat not found', failed_messages: 1, queued: 1 });
    expect(fates).toEqual([[7, '1001', 'failed: 400: Bad Request: chat not found']]);
    // Reconnecting (the chat fixed) clears the failure and sends both, in order.
    await svc.connect(server.token, '1001', 'reconnected');
    await waitFor('both delivered', () => (server.received.length >= 3 ? true : undefined), 10_000, 50);
    await svc.stop();
    expect(server.received.map((r) => r.text)).toEqual(['reconnected', 'lost chat', 'after it']);
  });

  // The daemon's stop (the CLI allows 5 s) does not wait for Telegram.
  it('stop() cuts off a send Telegram never answers and the backlog behind it; after a restart every message goes, once, in order', async () => {
    const token = '123456:TEST-token-abcdefghijklmnopqrstuvwxyz';
    const { svc, outbox, db } = await setup({ bot_token: token, chat_ids: ['1001'] });
    server.hold = true;
    for (let i = 1; i <= 5; i++) svc.enqueue(i, `m${i}`);
    svc.start();
    await waitFor('the first send taken', () => (server.attempts >= 1 ? true : undefined), 10_000, 20);
    const t0 = performance.now();
    await svc.stop();
    expect(performance.now() - t0).toBeLessThan(STOP_DEADLINE_MS);
    expect(server.attempts).toBe(1);
    // All five still queued and due now (the cut-off send is not counted as a failed attempt).
    expect(outbox.due(TELEGRAM_CHANNEL, Date.now(), 20).map((m) => m.attempts)).toEqual([0, 0, 0, 0, 0]);
    server.hold = false;
    const clock = { now: () => Date.now(), monotonic: () => performance.now() };
    const next = new TelegramService({ base_url: server.url, chat_ids: ['1001'], bot_token: token }, new KeyValueStore(db.raw), outbox, clock, silentLogger(), () => {});
    next.start();
    await waitFor('five delivered', () => (server.received.length >= 5 ? true : undefined), 10_000, 50);
    await next.stop();
    expect(server.received.map((r) => r.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(outbox.depth(TELEGRAM_CHANNEL, Date.now()).messages).toBe(0);
  });
});
