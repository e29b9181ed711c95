import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, CAMPUS, json, waitFor } from './helpers.js';
import { startRig, type Rig } from './rig.js';
import type { TelegramTestServer } from './telegram-server.js';

// Issue 19 through the API: alert rules that can fire, names where people read them (ids stay in
// the API), events in strict time order, honest MQTT status. The real appliance on the campus clip.

type Fields = { error: { message: string; fields: Array<{ field: string }> } };
type Rule = { id: string; name: string; target_name: string | null; target_missing: boolean };

const ZONES = [{ id: 'left', name: 'Left side', points: [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]] }];
const LINES = [{ id: 'middle', name: 'Middle line', points: [[0.5, 0.3], [0.5, 0.95]] }];

describe('what operators see: rules that can fire, names, order', () => {
  let rig: Rig;
  let dbPath: string;
  let tg: TelegramTestServer;
  let base: string;

  beforeAll(async () => {
    rig = await startRig({ telegram: true, config: () => ({ cameras: [{ id: 'campus', name: 'Campus', source: CAMPUS, loop: true, lines: LINES, zones: ZONES }] }) });
    ({ dbPath, base } = rig);
    tg = rig.tg!;
  });
  afterAll(async () => rig?.stop());

  const rules = async () => ((await (await api(`${base}/api/v1/alert-rules`)).json()) as { rules: Rule[] }).rules;

  it('refuses rules that could never fire (400 naming the field) and flags a rule whose zone was removed', async () => {
    const post = (body: Record<string, unknown>) => api(`${base}/api/v1/alert-rules`, json('POST', { name: 'x', type: 'occupancy', above: 1, ...body }));
    // A zone named by its display name, on any camera: accepted before, and it never fired.
    const byName = await post({ zone: 'Left side' });
    expect(byName.status).toBe(400);
    const err = (await byName.json()) as Fields;
    expect(err.error.fields[0]!.field).toBe('zone');
    expect(err.error.message).toContain('"left"'); // says which id that name belongs to
    const noLine = await post({ type: 'line_count', line: 'nowhere', over: 1, window_seconds: 60, above: undefined });
    expect(noLine.status).toBe(400);
    expect(((await noLine.json()) as Fields).error.fields[0]!.field).toBe('line');
    const noClass = await post({ zone: 'left', class: 'unicorn' });
    expect(noClass.status).toBe(400);
    expect(((await noClass.json()) as Fields).error.fields[0]!.field).toBe('class');
    const noCamera = await post({ zone: 'left', camera: 'nope' });
    expect(noCamera.status).toBe(400);
    expect(((await noCamera.json()) as Fields).error.fields[0]!.field).toBe('camera');
    expect(await rules()).toEqual([]);

    const ok = await post({ name: 'Crowd left', zone: 'left', class: 'person' });
    expect(ok.status).toBe(201);
    const id = ((await ok.json()) as Rule).id;
    expect((await rules()).find((r) => r.id === id)).toMatchObject({ target_name: 'Left side', target_missing: false });

    // The zone goes away: the rule stays, flagged; it comes back: the flag goes.
    expect((await api(`${base}/api/v1/cameras/campus/zones`, json('PUT', { zones: [] }))).status).toBe(200);
    expect((await rules()).find((r) => r.id === id)).toMatchObject({ target_missing: true });
    expect((await (await api(`${base}/api/v1/alert-rules/${id}`)).json()) as Rule).toMatchObject({ target_missing: true });
    expect((await api(`${base}/api/v1/cameras/campus/zones`, json('PUT', { zones: ZONES }))).status).toBe(200);
    expect((await rules()).find((r) => r.id === id)).toMatchObject({ target_missing: false });
    expect((await api(`${base}/api/v1/alert-rules/${id}`, { method: 'DELETE' })).status).toBe(204);
  }, 30_000);

  it('Telegram messages name the line by its name; the MQTT body and the API keep its id', async () => {
    expect((await api(`${base}/api/v1/notifications/telegram/connect`, json('POST', { bot_token: tg.token, chat_id: 1001 }))).status).toBe(200);
    const r = await api(`${base}/api/v1/alert-rules`, json('POST', { name: 'Crossing', type: 'line_count', camera: 'campus', line: 'middle', over: 0, window_seconds: 60, cooldown_seconds: 3600, channels: ['telegram'] }));
    expect(r.status).toBe(201);
    const photo = await waitFor('the alert photo', () => tg.received.find((m) => m.method === 'sendPhoto'), 30_000);
    expect(photo.caption).toMatch(/Campus: \d+ crossings of line "Middle line" in 60 s/);
    const n = ((await (await api(`${base}/api/v1/notifications`)).json()) as { notifications: Array<{ details: { line?: string } }> }).notifications;
    expect(n[0]!.details.line).toBe('middle');
  }, 45_000);

  it('events carry zone and line names beside their ids, newest first in strict time order across pages', async () => {
    type Ev = { id: number; time: string; zone: string | null; line: string | null; zone_name: string | null; line_name: string | null };
    const all = await waitFor('zone and line events', async () => {
      const e = ((await (await api(`${base}/api/v1/events?limit=1000`)).json()) as { events: Ev[] }).events;
      return e.some((x) => x.zone) && e.some((x) => x.line) ? e : undefined;
    }, 30_000);
    for (const e of all) {
      if (e.zone) expect(e).toMatchObject({ zone: 'left', zone_name: 'Left side', line_name: null });
      if (e.line) expect(e).toMatchObject({ line: 'middle', line_name: 'Middle line', zone_name: null });
    }
    // Rows written late (a batch flushed after newer ones): ids no longer follow time.
    const db = new SQLite(dbPath);
    const now = Date.now();
    const insert = db.prepare("INSERT INTO events (ts, camera_id, type, target, track_id, class_name, direction, value) VALUES (?, 'campus', 'line.cross', 'middle', 9999, 'person', 'in', NULL)");
    for (const ago of [90_000, 30_000, 60_000, 30_000]) insert.run(now - ago);
    db.close();
    const seen: Ev[] = [];
    let cursor: number | null = null;
    for (let i = 0; i < 500; i++) {
      const q: string = `${base}/api/v1/events?limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await api(q)).json()) as { events: Ev[]; next: number | null };
      seen.push(...page.events);
      cursor = page.next;
      if (cursor === null) break;
    }
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    const key = (e: Ev) => [Date.parse(e.time), e.id] as const;
    for (let i = 1; i < seen.length; i++) {
      const [ta, ia] = key(seen[i - 1]!);
      const [tb, ib] = key(seen[i]!);
      expect(ta > tb || (ta === tb && ia > ib), `event ${ib} after ${ia}`).toBe(true);
    }
    expect(seen.filter((e) => e.line === 'middle' && e.line_name === 'Middle line').length).toBeGreaterThanOrEqual(4);
  }, 45_000);

  it('the overview answers "how is the site doing": per camera today\'s in/out, occupancy now, events in the last hour, health', async () => {
    type O = { cameras: Array<{ id: string; name: string; status: string; today: { in: number; out: number }; occupancy_now: number; events_last_hour: number }> };
    const o = (await (await api(`${base}/api/v1/overview`)).json()) as O;
    expect(o.cameras).toHaveLength(1);
    const cam = o.cameras[0]!;
    expect(cam).toMatchObject({ id: 'campus', name: 'Campus', status: 'online' });
    // The same figures from the events themselves (the 4 late rows of the test before are within the hour).
    const ev = ((await (await api(`${base}/api/v1/events?camera=campus&from=${Math.floor(Date.now() / 1000) - 3600}&limit=1000`)).json()) as { events: Array<{ type: string; direction: string | null }> }).events;
    expect(cam.events_last_hour).toBeGreaterThanOrEqual(ev.length);
    expect(cam.today.in + cam.today.out).toBeGreaterThanOrEqual(ev.filter((e) => e.type === 'line.cross').length);
    expect(cam.today.in + cam.today.out).toBeGreaterThan(0);
    expect(cam.occupancy_now).toBeGreaterThanOrEqual(0);
  }, 30_000);

  it('reports name zones and lines; the system says MQTT is not configured rather than disconnected', async () => {
    const now = Math.floor(Date.now() / 1000);
    const rep = (await (await api(`${base}/api/v1/reports`, json('POST', { from: now - 600, to: now + 60 }))).json()) as { body: { zones: Array<{ zone: string; name: string }>; lines: Array<{ line: string; name: string }> } };
    expect(rep.body.zones).toEqual([expect.objectContaining({ zone: 'left', name: 'Left side' })]);
    expect(rep.body.lines).toEqual([expect.objectContaining({ line: 'middle', name: 'Middle line' })]);
    const sys = (await (await api(`${base}/api/v1/system`)).json()) as { outbox: { mqtt_connected: boolean; mqtt_configured: boolean } };
    expect(sys.outbox).toMatchObject({ mqtt_connected: false, mqtt_configured: false });
  }, 30_000);
});
