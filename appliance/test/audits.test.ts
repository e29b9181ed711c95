import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { signIn, STADTMITTE, tempDir, waitFor } from './helpers.js';

// Count audits and coverage against the real daemon: a real SQLite file, ffmpeg on the bundled
// clip, a camera that plays the clip once and goes offline, and users of each role.

const LINE = { id: 'walkway', name: 'Walkway', points: [[0.65, 0.35], [0.65, 0.85]] };
const PASSWORD = 'a long test passphrase';

interface Result {
  true: number;
  counted: number;
  abs_error: number;
  accuracy_pct: number | null;
}
interface Audit {
  id: string;
  kind: string;
  camera: string;
  line: string;
  from: number;
  to: number;
  created_by: string;
  results: { in: Result; out: Result; total: Result };
  marks: Array<{ t: number; direction: string }>;
  counted: Array<{ t: number; direction: string; track_id: number | null }>;
}
interface EventView {
  time: string;
  direction: string;
  track_id: number;
}

/** The numbers an audit must show, computed here from the marks and the stored events. */
function byHand(marks: Array<{ direction: string }>, events: Array<{ direction: string }>) {
  const row = (truth: number, counted: number, err = Math.abs(counted - truth)) => ({ true: truth, counted, abs_error: err, accuracy_pct: truth > 0 ? Math.round(Math.max(0, 1 - err / truth) * 1000) / 10 : null });
  const n = (l: Array<{ direction: string }>, d: string) => l.filter((x) => x.direction === d).length;
  const dIn = row(n(marks, 'in'), n(events, 'in'));
  const dOut = row(n(marks, 'out'), n(events, 'out'));
  return { in: dIn, out: dOut, total: row(dIn.true + dOut.true, dIn.counted + dOut.counted, dIn.abs_error + dOut.abs_error) };
}

describe('count audits and coverage (daemon)', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'v.db');
  let app: Appliance;
  let base: string;
  const who: Record<'admin' | 'operator' | 'viewer', Record<string, string>> = { admin: {}, operator: {}, viewer: {} };
  /** When the camera was added (unix seconds), and when it was seen done. */
  let startedAt: number;
  let addedMs: number;
  let endedMs: number | undefined;
  let sessionId: string;
  let videoBase: number;
  let sessionEvents: EventView[];

  const req = (as: keyof typeof who, path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...who[as] } });
  const post = (as: keyof typeof who, path: string, body: unknown) => req(as, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = async <T>(r: Response | Promise<Response>, status = 200): Promise<T> => {
    const res = await r;
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };

  beforeAll(async () => {
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: dbPath },
        analytics: { hourly_reports: false, daily_reports: false },
        cameras: [],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
    who.admin = { authorization: `Bearer ${await signIn(base)}` };
    for (const role of ['operator', 'viewer'] as const) {
      await json(post('admin', '/api/v1/users', { username: role, password: PASSWORD, role }), 201);
      who[role] = { authorization: `Bearer ${await signIn(base, { username: role, password: PASSWORD })}` };
    }
    const s = await json<{ id: string }>(post('operator', '/api/v1/sessions', { file: STADTMITTE, lines: [LINE] }), 201);
    sessionId = s.id;
    await json(post('operator', `/api/v1/sessions/${s.id}/start`, {}), 202);
    const done = await waitFor('the session to complete', async () => {
      const v = await json<{ status: string; video_base_ms: number | null; created_at: string }>(req('viewer', `/api/v1/sessions/${s.id}`));
      return v.status === 'completed' ? v : undefined;
    }, 120_000, 300);
    // A session's events are timed from its video base: the offset into the video is ts − base.
    expect(done.video_base_ms).toBe(Date.parse(done.created_at));
    videoBase = done.video_base_ms!;
    const from = Math.floor(videoBase / 1000) - 1;
    sessionEvents = (await json<{ events: EventView[] }>(req('viewer', `/api/v1/events?camera=session-${s.id}&type=line.cross&line=walkway&from=${from}&to=${from + 60}&limit=1000`))).events.reverse();
    // Then a camera that plays the clip once at its 25 fps and has nothing more: online ~7 s, then not.
    // (Added after the session, which would otherwise take the detector from it.)
    addedMs = Date.now();
    startedAt = Math.floor(addedMs / 1000);
    await json(post('operator', '/api/v1/cameras', { id: 'door', source: STADTMITTE, loop: false, realtime: true, lines: [LINE] }), 201);
  }, 180_000);

  const cameraDone = async () => {
    await waitFor('the camera to finish the clip', async () => {
      const c = await json<{ status: string }>(req('viewer', '/api/v1/cameras/door'));
      return c.status !== 'online' && c.status !== 'starting' ? true : undefined;
    }, 60_000, 250);
    endedMs ??= Date.now();
    await new Promise((r) => setTimeout(r, 5500)); // one analytics and coverage flush
  };
  afterAll(async () => app?.stop());

  it('stores an audit of a session with per-direction numbers equal to a hand computation', async () => {
    // The appliance counts people on this walkway (3 in, 2 out on the ground truth's tracks).
    expect(sessionEvents.length).toBeGreaterThanOrEqual(3);
    const marks = [
      { t: 0.8, direction: 'in' },
      { t: 1.9, direction: 'in' },
      { t: 3.05, direction: 'out' },
      { t: 4.4, direction: 'in' },
      { t: 6.2, direction: 'in' },
    ];
    const a = await json<Audit>(post('operator', '/api/v1/audits', { session: sessionId, line: 'walkway', from: 0, to: 7.16, marks, note: 'first pass' }), 201);
    expect(a).toMatchObject({ kind: 'session', camera: `session-${sessionId}`, line: 'walkway', from: 0, to: 7.16, created_by: 'operator' });
    expect(a.results).toEqual(byHand(marks, sessionEvents));
    // The appliance's crossings, in video time, are the stored events less the video base.
    expect(a.counted).toEqual(sessionEvents.map((e) => ({ t: (Date.parse(e.time) - videoBase) / 1000, direction: e.direction, track_id: e.track_id })));
    for (const c of a.counted) expect(c.t).toBeGreaterThanOrEqual(0), expect(c.t).toBeLessThanOrEqual(7.16);
    expect(a.marks).toEqual(marks);

    // Part of the video: only the crossings in [2, 5] s count.
    const part = marks.filter((m) => m.t >= 2 && m.t <= 5);
    const b = await json<Audit>(post('admin', '/api/v1/audits', { session: sessionId, line: 'walkway', from: 2, to: 5, marks: part }), 201);
    const inPart = sessionEvents.filter((e) => {
      const t = (Date.parse(e.time) - videoBase) / 1000;
      return t >= 2 && t <= 5;
    });
    expect(b.results).toEqual(byHand(part, inPart));

    // Read back, listed (newest first, filtered), exported as CSV.
    expect(await json<Audit>(req('viewer', `/api/v1/audits/${a.id}`))).toEqual(a);
    const list = await json<{ audits: Audit[] }>(req('viewer', `/api/v1/audits?camera=session-${sessionId}&line=walkway`));
    expect(list.audits.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(list.audits[1]).not.toHaveProperty('marks');
    const csv = await req('viewer', `/api/v1/audits?session=${sessionId}&format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trim().split('\n');
    expect(rows[0]).toBe('audit,created_at,created_by,kind,session,camera,line,from,to,direction,true,counted,abs_error,accuracy_pct,camera_name,line_name');
    const inRow = rows.find((r) => r.startsWith(a.id) && r.includes(',in,'))!.split(',');
    // Names after the ids (issue 19): the session's video file and the line's display name.
    expect(inRow.slice(14)).toEqual([basename(STADTMITTE), 'Walkway']);
    expect(inRow.slice(9, 14)).toEqual(['in', String(a.results.in.true), String(a.results.in.counted), String(a.results.in.abs_error), a.results.in.accuracy_pct === null ? '' : String(a.results.in.accuracy_pct)]);
    expect(rows).toHaveLength(1 + 2 * 3);

    // The stored row: the SQLite table holds the same counts.
    const db = new Database(dbPath, { readonly: true });
    const row = db.prepare('select true_in, true_out, counted_in, counted_out, note from audits where id = ?').get(a.id);
    db.close();
    expect(row).toEqual({ true_in: 4, true_out: 1, counted_in: a.results.in.counted, counted_out: a.results.out.counted, note: 'first pass' });
  });

  it('audits a camera over a time range against its stored crossings', async () => {
    await cameraDone();
    const to = Math.floor(Date.now() / 1000);
    const events = (await json<{ events: EventView[] }>(req('viewer', `/api/v1/events?camera=door&type=line.cross&line=walkway&from=${startedAt - 5}&to=${to + 1}&limit=1000`))).events;
    const marks = [{ t: startedAt + 2, direction: 'in' }, { t: startedAt + 3, direction: 'in' }, { t: startedAt + 4, direction: 'out' }];
    const a = await json<Audit>(post('operator', '/api/v1/audits', { camera: 'door', line: 'walkway', from: startedAt - 5, to, marks }), 201);
    expect(a).toMatchObject({ kind: 'camera', camera: 'door' });
    expect(a.results).toEqual(byHand(marks, events.filter((e) => Date.parse(e.time) <= to * 1000)));
  });

  it('refuses bad input with 400 naming the field, and viewers may read but not write', async () => {
    const good = { session: sessionId, line: 'walkway', from: 0, to: 7.16, marks: [{ t: 1, direction: 'in' }] };
    const cases: Array<[unknown, string]> = [
      [{ ...good, from: 5, to: 2 }, 'to'],
      [{ ...good, to: 90_000 }, 'to'],
      [{ ...good, marks: [{ t: 1, direction: 'in' }, { t: 9, direction: 'out' }] }, 'marks[1].t'],
      [{ ...good, marks: [{ t: 1, direction: 'sideways' }] }, 'marks[0].direction'],
      [{ ...good, marks: [{ t: -1, direction: 'in' }] }, 'marks[0].t'],
      [{ ...good, marks: Array.from({ length: 20_001 }, () => ({ t: 1, direction: 'in' })) }, 'marks'],
      [{ ...good, marks: 'lots' }, 'marks'],
      [{ ...good, line: 'nope' }, 'line'],
      [{ ...good, line: '' }, 'line'],
      [{ ...good, camera: 'door' }, 'session'],
      [{ line: 'walkway', from: 0, to: 1, marks: [] }, 'session'],
      [{ ...good, session: 'not-a-uuid' }, 'session'],
      [{ ...good, session: '00000000-0000-4000-8000-000000000000' }, 'session'],
      [{ ...good, from: 'soon' }, 'from'],
      [{ ...good, note: 'x'.repeat(501) }, 'note'],
      [{ ...good, extra: 1 }, 'extra'],
      [{ camera: 'nowhere', line: 'walkway', from: startedAt, to: startedAt + 10, marks: [] }, 'camera'],
      [{ camera: 'door', line: 'walkway', from: startedAt, to: startedAt + 86_000, marks: [] }, 'to'],
      [{ camera: 'door', line: 'walkway', from: 1000, to: 2000, marks: [] }, 'from'],
    ];
    for (const [body, field] of cases) {
      const res = await post('operator', '/api/v1/audits', body);
      const err = (await res.json()) as { error: { fields?: Array<{ field: string }> } };
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      expect(err.error.fields?.map((f) => f.field), JSON.stringify(body).slice(0, 120)).toContain(field);
    }
    for (const [q, field] of [['limit=0', 'limit'], ['limit=ten', 'limit'], ['format=xml', 'format'], ['session=x', 'session'], ['bogus=1', 'bogus']]) {
      const res = await req('viewer', `/api/v1/audits?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { fields: Array<{ field: string }> } }).error.fields.map((f) => f.field)).toContain(field);
    }
    expect((await req('viewer', '/api/v1/audits/not-an-id')).status).toBe(400);
    expect((await req('viewer', '/api/v1/audits/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    // A viewer reads but may not create or delete; nobody signed in gets nothing.
    expect((await post('viewer', '/api/v1/audits', good)).status).toBe(403);
    const mine = await json<Audit>(post('operator', '/api/v1/audits', good), 201);
    expect((await req('viewer', `/api/v1/audits/${mine.id}`)).status).toBe(200);
    expect((await req('viewer', `/api/v1/audits/${mine.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await fetch(`${base}/api/v1/audits`)).status).toBe(401);
    expect((await req('operator', `/api/v1/audits/${mine.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await req('viewer', `/api/v1/audits/${mine.id}`)).status).toBe(404);
  });

  it("serves the session's video to the browser with HTTP Range, from the session's own file", async () => {
    const whole = await req('viewer', `/api/v1/sessions/${sessionId}/video`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp'); // an MP4 file
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat')); // playable while it downloads
    // Every frame of the clip is there, at the clip's times.
    const file = join(dir, 'copy.mp4');
    writeFileSync(file, bytes);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,codec_name:format=duration', '-of', 'json', file], { encoding: 'utf8' });
    const info = JSON.parse(probe.stdout) as { streams: Array<{ nb_read_frames: string; codec_name: string }>; format: { duration: string } };
    expect(info.streams[0]).toEqual({ codec_name: 'h264', nb_read_frames: '179' });
    expect(Number(info.format.duration)).toBeCloseTo(7.16, 1);

    const part = await req('viewer', `/api/v1/sessions/${sessionId}/video`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const tail = await req('viewer', `/api/v1/sessions/${sessionId}/video`, { headers: { range: 'bytes=-50' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 50));
    const past = await req('viewer', `/api/v1/sessions/${sessionId}/video`, { headers: { range: `bytes=${bytes.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    await past.arrayBuffer();

    expect((await fetch(`${base}/api/v1/sessions/${sessionId}/video`)).status).toBe(401);
    expect((await req('viewer', '/api/v1/sessions/..%2F..%2Fetc%2Fpasswd/video')).status).toBe(400);
    expect((await req('viewer', '/api/v1/sessions/00000000-0000-4000-8000-000000000000/video')).status).toBe(404);
    // A camera session is a report over a range: there is no recording to play.
    const cam = await json<{ id: string }>(post('operator', '/api/v1/sessions', { camera: 'door', from: startedAt, to: startedAt + 60 }), 201);
    expect((await req('viewer', `/api/v1/sessions/${cam.id}/video`)).status).toBe(409);

    // The browser copy lives beside the database and goes with its session; the audits stay.
    const copy = join(dir, 'audit-video', `${sessionId}.mp4`);
    expect(existsSync(copy)).toBe(true);
    expect((await req('operator', `/api/v1/sessions/${sessionId}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(copy)).toBe(false);
    expect((await req('viewer', `/api/v1/sessions/${sessionId}/video`)).status).toBe(404);
    expect((await json<{ audits: Audit[] }>(req('viewer', `/api/v1/audits?session=${sessionId}`))).audits.length).toBe(2);
  });

  it('flags an interval in which the camera was offline for part of the time, in the API, the report JSON and its CSV', async () => {
    await cameraDone();
    const cam = await json<{ framesInferred: number; framesSkipped: number }>(req('viewer', '/api/v1/cameras/door'));
    // Coverage is known up to its last write (every 5 s): a range ending then is complete, and this
    // one takes in a few seconds after the clip ended.
    const written = await waitFor('coverage written past the end of the clip', () => {
      const db = new Database(dbPath, { readonly: true });
      const v = Number((db.prepare("select value from settings where key = 'coverage.written_until'").get() as { value: string }).value);
      db.close();
      return v >= endedMs! + 2000 ? v : undefined;
    }, 20_000, 250);
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare("select minute, frames, online_ms, expected_fps from coverage_minute where camera_id = 'door' order by minute").all() as Array<{ minute: number; frames: number; online_ms: number; expected_fps: number }>;
    db.close();
    const from = startedAt;
    const to = Math.floor(written / 1000);
    // Every frame the camera analysed is counted (on a loaded machine some of the 179 are dropped),
    // and it was online for at least the clip's 7.16 s at its pace (less one sample period), at most
    // from when it was added until it was seen done.
    const frames = rows.reduce((s, r) => s + r.frames, 0);
    expect(frames).toBe(cam.framesInferred + cam.framesSkipped);
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThanOrEqual(179);
    const onlineMs = rows.reduce((s, r) => s + r.online_ms, 0);
    expect(onlineMs).toBeGreaterThan(7160 - 1000);
    expect(onlineMs).toBeLessThanOrEqual(endedMs! - addedMs + 1000);
    expect(rows.every((r) => r.expected_fps === 25)).toBe(true);
    // By hand: each minute's frames, in the share of that minute inside [from, to), against 25 fps.
    let analysed = 0;
    let counted = 0;
    let online = 0;
    for (const r of rows) {
      const overlap = Math.max(0, Math.min(to, (r.minute + 1) * 60) - Math.max(from, r.minute * 60));
      counted += (r.frames * overlap) / 60;
      analysed += Math.min((r.frames * overlap) / 60, 25 * overlap);
      online += Math.min(overlap, (r.online_ms / 1000) * (overlap / 60));
    }
    const expected = { coverage: Math.round((analysed / (25 * (to - from))) * 10_000) / 10_000, online_share: Math.round((online / (to - from)) * 10_000) / 10_000, frames: Math.round(counted), expected_frames: 25 * (to - from), flagged: true };
    expect(expected.coverage).toBeLessThan(0.95);

    const api = await json<Record<string, unknown> & { intervals: Array<{ flagged: boolean; coverage: number }> }>(req('viewer', `/api/v1/cameras/door/coverage?from=${from}&to=${to}&resolution=1m`));
    expect(api).toMatchObject({ camera: 'door', min_coverage: 0.95, ...expected });
    expect(api.intervals.some((i) => i.flagged)).toBe(true);

    const report = await json<{ id: string; body: { coverage: unknown[]; timeline: Array<{ coverage: number | null; low_coverage: boolean }> } }>(post('operator', '/api/v1/reports', { cameras: ['door'], from, to, resolution: '1m' }), 201);
    expect(report.body.coverage).toEqual([{ camera: 'door', ...expected }]);
    expect(report.body.timeline.some((r) => r.low_coverage)).toBe(true);
    const csv = (await (await req('viewer', `/api/v1/reports/${report.id}.csv`)).text()).trim().split('\n');
    expect(csv[0]!.endsWith(',coverage_pct,low_coverage')).toBe(true);
    expect(csv.slice(1).some((l) => l.endsWith(',yes'))).toBe(true);

    for (const [q, field] of [['resolution=2m', 'resolution'], ['from=10&to=5', 'from']]) {
      const res = await req('viewer', `/api/v1/cameras/door/coverage?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { fields: Array<{ field: string }> } }).error.fields.map((f) => f.field)).toContain(field);
    }
    expect((await req('viewer', '/api/v1/cameras/nowhere/coverage')).status).toBe(404);
  });
});
