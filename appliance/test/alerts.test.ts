import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, CAMPUS, json, ROOT, waitFor } from './helpers.js';
import { startRig, type Rig } from './rig.js';
import type { TelegramTestServer } from './telegram-server.js';

describe('alert rules → notifications history, Telegram with an annotated snapshot', () => {
  let rig: Rig;
  let dbPath: string;
  let tg: TelegramTestServer;
  let base: string;

  beforeAll(async () => {
    rig = await startRig({
      telegram: true,
      config: () => ({
        cameras: [
          {
            id: 'campus',
            name: 'Campus',
            source: CAMPUS,
            loop: true,
            lines: [{ id: 'middle', points: [[0.5, 0.3], [0.5, 0.95]] }],
            zones: [{ id: 'left', points: [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]] }],
          },
        ],
      }),
    });
    ({ dbPath, base } = rig);
    tg = rig.tg!;
  });
  afterAll(async () => rig?.stop());

  it('connects Telegram, fires rules in Russian with one photo per firing, none in cooldown or quiet hours', async () => {
    const bad = await api(`${base}/api/v1/notifications/telegram/connect`, json('POST', { bot_token: '1:short', chat_id: '1001' }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0]!.field).toBe('bot_token');
    const conn = await api(`${base}/api/v1/notifications/telegram/connect`, json('POST', { bot_token: tg.token, chat_id: 1001 }));
    expect(conn.status).toBe(200);
    expect(await conn.json()).toMatchObject({ state: 'ok', bot_username: 'vantage_test_bot', chat_ids: ['1001'] });
    expect((await api(`${base}/api/v1/settings`, json('PUT', { language: 'ru', site_name: 'Склад 3' }))).status).toBe(200);

    const noZone = await api(`${base}/api/v1/alert-rules`, json('POST', { name: 'x', type: 'occupancy', camera: 'campus', zone: 'nope', above: 1 }));
    expect(noZone.status).toBe(400);
    expect(((await noZone.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0]!.field).toBe('zone');
    const a = await api(`${base}/api/v1/alert-rules`, json('POST', { name: 'Проход', type: 'line_count', camera: 'campus', line: 'middle', over: 0, window_seconds: 60, cooldown_seconds: 3600, channels: ['telegram'] }));
    expect(a.status).toBe(201);
    const ruleA = (await a.json()) as { id: string };
    const b = await api(`${base}/api/v1/alert-rules`, json('POST', { name: 'Night zone', type: 'occupancy', camera: 'campus', zone: 'left', above: 0, for_seconds: 0, quiet_hours: { from: '00:00', to: '00:00' }, channels: ['telegram'] }));
    const ruleB = (await b.json()) as { id: string };

    type N = { rule_id: string; message: string; deliveries: { telegram: Record<string, string> | string } };
    const history = async () => ((await (await api(`${base}/api/v1/notifications`)).json()) as { notifications: N[] }).notifications;
    await waitFor('both rules fired and A delivered', async () => {
      const h = await history();
      const na = h.find((n) => n.rule_id === ruleA.id);
      return na && typeof na.deliveries.telegram === 'object' && na.deliveries.telegram['1001'] === 'delivered' && h.some((n) => n.rule_id === ruleB.id) ? true : undefined;
    }, 30_000);
    await new Promise((r) => setTimeout(r, 4000)); // people keep crossing: the cooldown must hold
    const h = await history();
    expect(h.filter((n) => n.rule_id === ruleA.id)).toHaveLength(1);
    expect(h.filter((n) => n.rule_id === ruleB.id)).toHaveLength(1);
    expect(h.find((n) => n.rule_id === ruleB.id)!.deliveries.telegram).toBe('quiet hours');
    const photos = tg.received.filter((r) => r.method === 'sendPhoto');
    expect(photos).toHaveLength(1);
    expect(photos[0]!.chat_id).toBe('1001');
    expect(photos[0]!.caption).toContain('Проход · Склад 3');
    expect(photos[0]!.caption).toMatch(/Campus: \d+ пересечений линии «middle» за 60 с/);
    expect(photos[0]!.photo!.type).toBe('image/jpeg');
    expect(photos[0]!.photo!.bytes.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(photos[0]!.photo!.bytes.length).toBeGreaterThan(10_000);
    mkdirSync(join(ROOT, '.artifacts'), { recursive: true });
    writeFileSync(join(ROOT, '.artifacts/alert-photo.jpg'), photos[0]!.photo!.bytes); // for a look
    // The annotation is drawn: the rule's cyan line runs down the middle of the picture, so a strip
    // there holds far more cyan-ish pixels than a strip elsewhere.
    const { data, info } = await sharp(photos[0]!.photo!.bytes).raw().toBuffer({ resolveWithObject: true });
    const cyanIn = (cx: number) => {
      let n = 0;
      for (let y = Math.round(info.height * 0.35); y < info.height * 0.9; y++) {
        for (let x = Math.round(info.width * (cx - 0.015)); x <= info.width * (cx + 0.015); x++) {
          const o = (y * info.width + x) * info.channels;
          if (data[o + 1]! > data[o]! + 50 && data[o + 2]! > data[o]! + 50) n++;
        }
      }
      return n;
    };
    expect(cyanIn(0.5)).toBeGreaterThan(3 * cyanIn(0.3) + 100);
    expect(tg.received.filter((r) => r.method === 'sendMessage')).toHaveLength(1); // the connect test message
    const status = (await (await api(`${base}/api/v1/notifications/telegram`)).json()) as { state: string; queued: number };
    expect(status).toMatchObject({ state: 'ok', queued: 0 });
    const sys = (await (await api(`${base}/api/v1/system`)).json()) as { telegram: { state: string; bot_username: string }; alerts: { rules: number; fired: number; suppressed_by_cooldown: number } };
    expect(sys.telegram).toMatchObject({ state: 'ok', bot_username: 'vantage_test_bot' });
    expect(sys.alerts).toMatchObject({ rules: 2, fired: 2 });
    expect(sys.alerts.suppressed_by_cooldown).toBeGreaterThan(0);
  });

  it('the pull API pages through exactly the events and reports in the database, none twice, and resumes from a cursor', async () => {
    await waitFor('some events', async () => {
      const r = (await (await api(`${base}/api/v1/sync/events?limit=1000`)).json()) as { events: unknown[] };
      return r.events.length >= 5 ? true : undefined;
    });
    const seen: number[] = [];
    let cursor = 0;
    for (let page = 0; page < 100; page++) {
      const r = (await (await api(`${base}/api/v1/sync/events?cursor=${cursor}&limit=2`)).json()) as { events: Array<{ id: number }>; next_cursor: number; has_more: boolean };
      seen.push(...r.events.map((e) => e.id));
      cursor = r.next_cursor;
      if (!r.has_more) break;
    }
    const db = new SQLite(dbPath, { readonly: true });
    const inDb = (db.prepare('SELECT id FROM events WHERE id <= ? ORDER BY id').all(cursor) as Array<{ id: number }>).map((r) => r.id);
    expect(seen).toEqual(inDb);
    expect(new Set(seen).size).toBe(seen.length);
    // The same cursor gives the same page (idempotent).
    const p1 = await (await api(`${base}/api/v1/sync/events?cursor=0&limit=3`)).json();
    const p2 = await (await api(`${base}/api/v1/sync/events?cursor=0&limit=3`)).json();
    expect(p1).toEqual(p2);

    const now = Math.floor(Date.now() / 1000);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push(((await (await api(`${base}/api/v1/reports`, json('POST', { from: now - 600, to: now }))).json()) as { id: string }).id);
    const first = (await (await api(`${base}/api/v1/sync/reports?limit=2`)).json()) as { reports: Array<{ id: string; seq: number; body: object }>; next_cursor: number; has_more: boolean };
    expect(first.has_more).toBe(true);
    const second = (await (await api(`${base}/api/v1/sync/reports?limit=2&cursor=${first.next_cursor}`)).json()) as typeof first;
    expect(second.has_more).toBe(false);
    expect([...first.reports, ...second.reports].map((r) => r.id)).toEqual(made);
    expect(first.reports[0]!.body).toHaveProperty('cameras');
    const empty = (await (await api(`${base}/api/v1/sync/reports?cursor=${second.next_cursor}`)).json()) as typeof first;
    expect(empty).toMatchObject({ reports: [], next_cursor: second.next_cursor, has_more: false });
    // The dashboard's list pages newest first by the same never-reused sequence (reports made in one second included).
    type Listed = { reports: Array<{ id: string }>; next: number | null };
    const l1 = (await (await api(`${base}/api/v1/reports?limit=2`)).json()) as Listed;
    const l2 = (await (await api(`${base}/api/v1/reports?limit=2&cursor=${l1.next}`)).json()) as Listed;
    expect([...l1.reports, ...l2.reports].map((r) => r.id)).toEqual([...made].reverse());
    expect(l2.next).toBeNull();
    db.close();
  });
});
