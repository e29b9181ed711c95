import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { CAMPUS, MEDIA, STADTMITTE, tempDir, waitFor, api } from './helpers.js';

interface Session {
  id: string;
  status: string;
  progress: number;
  error: string | null;
  report_id: string | null;
}

describe('analysis sessions', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'v.db');
  let app: Appliance;
  let base: string;
  const post = async (path: string, body?: unknown) =>
    api(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const session = async (id: string) => (await (await api(`${base}/api/v1/sessions/${id}`)).json()) as Session;
  const until = (id: string, status: string) => waitFor(`session ${status}`, async () => ((await session(id)).status === status ? session(id) : undefined), 60_000, 300);

  beforeAll(async () => {
    app = new Appliance(validateConfig({ http: { port: 0 }, storage: { path: dbPath, upload_limit_mb: 1, media_dirs: [MEDIA, dir] }, analytics: { hourly_reports: false, daily_reports: false }, cameras: [] }), silentLogger());
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => app?.stop());

  it('analyses a file with zones and lines, reports progress, and ends with a report', async () => {
    const progress: number[] = [];
    app.events.subscribe((e) => {
      if (e.type === 'analysis.progress') progress.push(e.progress);
    });
    const created = await post('/api/v1/sessions', {
      file: CAMPUS,
      lines: [{ id: 'middle', points: [[0.5, 0.3], [0.5, 0.95]] }],
      zones: [{ id: 'left', points: [[0.02, 0.3], [0.5, 0.3], [0.5, 0.98], [0.02, 0.98]] }],
    });
    expect(created.status).toBe(201);
    const s = (await created.json()) as Session;
    expect(s.status).toBe('created');
    expect((await post(`/api/v1/sessions/${s.id}/start`)).status).toBe(202);
    expect((await post(`/api/v1/sessions/${s.id}/start`)).status).toBe(409);
    const done = await until(s.id, 'completed');
    expect(done.progress).toBe(100);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const report = (await (await api(`${base}/api/v1/reports/${done.report_id}`)).json()) as { body: { tracks: { total: number }; lines: Array<{ in: number; out: number }>; zones: Array<{ entries: number }>; heatmaps: unknown[] } };
    expect(report.body.tracks.total).toBeGreaterThanOrEqual(5);
    expect(report.body.lines[0]!.in + report.body.lines[0]!.out).toBeGreaterThanOrEqual(2);
    expect(report.body.zones[0]!.entries).toBeGreaterThanOrEqual(2);
    expect(report.body.heatmaps).toHaveLength(1);

    // Deleting the session removes what it produced.
    expect((await api(`${base}/api/v1/sessions/${s.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`${base}/api/v1/sessions/${s.id}`)).status).toBe(404);
    expect((await api(`${base}/api/v1/reports/${done.report_id}`)).status).toBe(404);
    const db = new Database(dbPath, { readonly: true });
    const left = db.prepare('SELECT (SELECT COUNT(*) FROM events WHERE camera_id = ?) + (SELECT COUNT(*) FROM tracks WHERE camera_id = ?) + (SELECT COUNT(*) FROM heatmap_hour WHERE camera_id = ?) AS n').get(`session-${s.id}`, `session-${s.id}`, `session-${s.id}`) as { n: number };
    db.close();
    expect(left.n).toBe(0);
  });

  it('a failing session keeps its error while the next one completes; a running one can be cancelled', async () => {
    const bad = join(dir, 'garbage.mp4');
    writeFileSync(bad, Buffer.alloc(50_000, 7));
    const s1 = (await (await post('/api/v1/sessions', { file: bad })).json()) as Session;
    const s2 = (await (await post('/api/v1/sessions', { file: CAMPUS })).json()) as Session;
    const s3 = (await (await post('/api/v1/sessions', { file: STADTMITTE })).json()) as Session;
    for (const s of [s1, s2, s3]) expect((await post(`/api/v1/sessions/${s.id}/start`)).status).toBe(202);
    const failed = await until(s1.id, 'failed');
    expect(failed.error).toMatch(/garbage\.mp4/);
    await until(s2.id, 'completed');
    await waitFor('s3 running', async () => ((await session(s3.id)).status === 'running' ? true : undefined));
    const cancelled = (await (await post(`/api/v1/sessions/${s3.id}/cancel`)).json()) as Session;
    expect(cancelled.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 500));
    expect((await session(s3.id)).status).toBe('cancelled');
  });

  it('accepts an uploaded video (streamed to disk under the limit) and deletes it with its session', async () => {
    const upload = await api(`${base}/api/v1/sessions/upload?name=campus%20clip.mp4`, { method: 'POST', headers: { 'content-type': 'video/mp4' }, body: readFileSync(CAMPUS) });
    expect(upload.status).toBe(201);
    const s = (await upload.json()) as Session & { source: string };
    expect(s.source.startsWith(join(dir, 'uploads') + '/')).toBe(true);
    expect(readFileSync(s.source).equals(readFileSync(CAMPUS))).toBe(true);
    expect((await post(`/api/v1/sessions/${s.id}/start`)).status).toBe(202);
    await until(s.id, 'completed');
    expect((await api(`${base}/api/v1/sessions/${s.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(s.source)).toBe(false);

    const big = await api(`${base}/api/v1/sessions/upload?name=big.mp4`, { method: 'POST', body: readFileSync(STADTMITTE) }); // 1.8 MB > 1 MiB
    expect(big.status).toBe(413);
    expect(readdirSync(join(dir, 'uploads'))).toEqual([]);
    const badName = await api(`${base}/api/v1/sessions/upload?name=../../etc/passwd`, { method: 'POST', body: 'x' });
    expect(badName.status).toBe(400);
    expect(JSON.stringify(await badName.json())).toContain('"name"');
  });

  it('deleting a session never unlinks a file the upload route did not write: the database survives', async () => {
    const uploads = join(dir, 'uploads');
    mkdirSync(uploads, { recursive: true });
    const trick = `${uploads}/../v.db`;
    // Refused at the door: not a normal path (and not inside a media folder).
    const refused = await post('/api/v1/sessions', { file: trick });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('"file"');
    // Rows that got in another way (an older version, a restored backup) are deleted without their file.
    const marker = async () => (await (await api(`${base}/api/v1/cameras`)).json()) as unknown;
    const before = await marker();
    const db = new Database(dbPath);
    db.prepare("INSERT INTO sessions (id, kind, source, status, progress, created_at) VALUES (?, 'file', ?, 'created', 0, ?)").run('legacy-trick', trick, Date.now());
    symlinkSync(dbPath, join(uploads, '0badc0de-link.mp4'));
    const columns = (db.prepare('PRAGMA table_info(sessions)').all() as Array<{ name: string }>).map((c) => c.name);
    if (columns.includes('uploaded')) {
      db.prepare("INSERT INTO sessions (id, kind, source, status, progress, created_at, uploaded) VALUES (?, 'file', ?, 'created', 0, ?, 1)").run('flagged-trick', trick, Date.now());
      db.prepare("INSERT INTO sessions (id, kind, source, status, progress, created_at, uploaded) VALUES (?, 'file', ?, 'created', 0, ?, 1)").run('flagged-link', join(uploads, '0badc0de-link.mp4'), Date.now());
    }
    db.close();
    for (const id of ['legacy-trick', 'flagged-trick', 'flagged-link']) {
      expect((await api(`${base}/api/v1/sessions/${id}`, { method: 'DELETE' })).status, id).toBe(204);
      expect(existsSync(dbPath), `database after deleting ${id}`).toBe(true);
    }
    expect(columns).toContain('uploaded');
    const check = new Database(dbPath, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((check.prepare("SELECT COUNT(*) AS n FROM sessions WHERE id IN ('legacy-trick', 'flagged-trick', 'flagged-link')").get() as { n: number }).n).toBe(0);
    check.close();
    // The daemon goes on with the same database.
    expect(await marker()).toEqual(before);
    expect((await post('/api/v1/sessions', { file: CAMPUS })).status).toBe(201);
  });

  it('refuses bad requests with the field named', async () => {
    const cases: Array<[unknown, string]> = [
      [{ file: 'relative/clip.mp4' }, 'file'],
      [{ file: '/no/such/clip.mp4' }, 'file'],
      [{ camera: 'nope', from: 10, to: 20 }, 'camera'],
    ];
    for (const [body, field] of cases) {
      const r = await post('/api/v1/sessions', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await r.json())).toContain(`"${field}"`);
    }
    expect((await post('/api/v1/sessions/nope/start')).status).toBe(404);
  });
});
