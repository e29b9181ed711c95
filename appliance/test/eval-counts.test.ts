import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { api, CAMPUS, MEDIA, runCli, tempDir, waitFor } from './helpers.js';

interface Result {
  session?: string;
  lines: Array<{ line: string; direction: 'in' | 'out'; counted: number; truth: number; error: number; accuracy: number }>;
  absError: number;
  truth: number;
  countAccuracy: number;
  visitors: number;
  tracks: number;
  people: number;
  fps: number;
}

/**
 * `vantage eval-counts` on real footage: real ffmpeg decode, the bundled detector, the appliance's
 * tracker and counting rules, against the clip's ground truth.
 */
describe('vantage eval-counts on TUD-Campus', () => {
  const gt = resolve(MEDIA, 'TUD-Campus/gt.txt');

  it('reports per line and direction the count, the true count, the error and the accuracy', () => {
    const cache = join(tempDir(), 'campus.json');
    // A vertical line at x = 0.3 (192 px), pointing down: right → left is 'in'. By hand from gt.txt
    // (first and last foot x of each person): ids 3 (104 → 624), 5 (162 → 480) and 7 (10 → 388)
    // cross left → right, id 2 (328 → 10) right → left; id 4 starts right of it (223), and id 6
    // starts 2 px left of it (190), inside the hysteresis band (0.1 box widths ≈ 5.5 px), so it was
    // never clearly on the left. So the truth is in 1, out 3.
    const r = runCli(['eval-counts', CAMPUS, '--gt', gt, '--line', '0.3,0,0.3,1', '--line', '0,0.7,1,0.7', '--cache', cache, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as Result;
    const byKey = new Map(res.lines.map((l) => [`${l.line} ${l.direction}`, l]));
    expect(byKey.get('line1 in')!.truth).toBe(1);
    expect(byKey.get('line1 out')!.truth).toBe(3);
    expect(res.lines).toHaveLength(4);
    let abs = 0;
    let truth = 0;
    for (const l of res.lines) {
      expect(l.error).toBe(l.counted - l.truth);
      abs += Math.abs(l.error);
      truth += l.truth;
    }
    expect(res.absError).toBe(abs);
    expect(res.truth).toBe(truth);
    expect(res.countAccuracy).toBeCloseTo(Math.max(0, 100 * (1 - abs / truth)), 1);
    expect(res.people).toBe(8);
    expect(res.visitors).toBeGreaterThan(0);
    expect(res.visitors).toBeLessThanOrEqual(res.tracks);

    // The recorded detections are reused: a third of the frame rate without running the detector.
    const third = runCli(['eval-counts', CAMPUS, '--gt', gt, '--fixed-lines', '--step', '3', '--cache', cache, '--json']);
    expect(third.code, third.stderr).toBe(0);
    const t = JSON.parse(third.stdout) as Result;
    expect(t.fps).toBeCloseTo(25 / 3, 1);
    expect(t.lines).toHaveLength(12);
  });

  it('refuses bad arguments with a message naming the field', () => {
    const bad = (args: string[], message: RegExp) => {
      const r = runCli(['eval-counts', CAMPUS, '--gt', gt, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    };
    bad([], /at least one --line/);
    bad(['--line', '0.3,0,0.3'], /--line 1 must be four numbers/);
    bad(['--line', '0.3,0,0.3,1.5'], /--line 1: .*outside the frame/);
    bad(['--line', '0.3,0.3,0.3,0.3'], /--line 1: .*same/);
    bad(['--line', '0,0,1,1', '--step', '0'], /--step must be an integer/);
    bad(['--fixed-lines', '--line', '0,0,1,1'], /either --line or --fixed-lines/);
    const missing = runCli(['eval-counts', CAMPUS, '--gt', '/nonexistent/gt.txt', '--fixed-lines']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--gt file not found');
  });
});

/**
 * `vantage eval-counts --session`: a real file session analysed by the appliance (its own lines,
 * counted while it ran) compared with the ground truth; the counted side is what the session's
 * report says.
 */
describe('vantage eval-counts --session', () => {
  const gt = resolve(MEDIA, 'TUD-Campus/gt.txt');

  it("compares a completed session's stored line counts and visitors with the ground truth", async () => {
    const dir = tempDir();
    const storage = { path: join(dir, 'v.db'), media_dirs: [MEDIA, dir] };
    const config = join(dir, 'vantage.json');
    writeFileSync(config, JSON.stringify({ storage }));
    const app = new Appliance(validateConfig({ http: { port: 0 }, storage, analytics: { hourly_reports: false, daily_reports: false }, cameras: [] }), silentLogger());
    await app.start();
    let id: string;
    let report: { body: { lines: Array<{ line: string; in: number; out: number }>; visitors: { total: number }; tracks: { total: number } } };
    try {
      const base = `http://127.0.0.1:${app.address!.port}`;
      const post = (path: string, body?: unknown) => api(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const created = await post('/api/v1/sessions', {
        file: CAMPUS,
        lines: [
          { id: 'v30', points: [[0.3, 0], [0.3, 1]] },
          { id: 'h70', points: [[0, 0.7], [1, 0.7]] },
        ],
      });
      expect(created.status).toBe(201);
      id = ((await created.json()) as { id: string }).id;
      // Before it ran, its counts are not final: refused.
      const early = runCli(['eval-counts', '--session', id, '--gt', gt, '--config', config]);
      expect(early.code).toBe(2);
      expect(early.stderr).toMatch(/not completed/);
      expect((await post(`/api/v1/sessions/${id}/start`)).status).toBe(202);
      const done = await waitFor('session completed', async () => {
        const s = (await (await api(`${base}/api/v1/sessions/${id}`)).json()) as { status: string; report_id: string | null };
        return s.status === 'completed' ? s : undefined;
      }, 60_000, 300);
      report = (await (await api(`${base}/api/v1/reports/${done.report_id}`)).json()) as typeof report;
    } finally {
      await app.stop();
    }

    const r = runCli(['eval-counts', '--session', id, '--gt', gt, '--config', config, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as Result;
    expect(res.session).toBe(id);
    const byKey = new Map(res.lines.map((l) => [`${l.line} ${l.direction}`, l]));
    // The truth over v30 by hand (see above): in 1, out 3.
    expect(byKey.get('v30 in')!.truth).toBe(1);
    expect(byKey.get('v30 out')!.truth).toBe(3);
    // The counted side is exactly what the session's report says it counted.
    for (const l of report.body.lines) {
      expect(byKey.get(`${l.line} in`)!.counted, l.line).toBe(l.in);
      expect(byKey.get(`${l.line} out`)!.counted, l.line).toBe(l.out);
    }
    expect(res.visitors).toBe(report.body.visitors.total);
    expect(res.tracks).toBe(report.body.tracks.total);
    expect(res.people).toBe(8);
    const abs = res.lines.reduce((s, l) => s + Math.abs(l.error), 0);
    expect(res.absError).toBe(abs);
    expect(res.countAccuracy).toBeCloseTo(Math.max(0, 100 * (1 - abs / res.truth)), 1);

    const text = runCli(['eval-counts', '--session', id, '--gt', gt, '--config', config]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`session ${id}`);
    expect(text.stdout).toMatch(/count accuracy \d+\.\d% /);

    // Bad input: each named.
    const bad = (args: string[], message: RegExp) => {
      const b = runCli(['eval-counts', ...args, '--config', config]);
      expect(b.code, args.join(' ')).toBe(2);
      expect(b.stderr).toMatch(message);
    };
    bad(['--session', 'nope', '--gt', gt], /no session "nope"/);
    bad(['--session', '../x', '--gt', gt], /--session must be a session id/);
    bad(['--session', id, '--gt', gt, '--fixed-lines'], /--line and --fixed-lines are for a VIDEO/);
    bad(['--session', id, '--gt', gt, '--step', '2'], /--step and --cache are for a VIDEO/);
    bad([CAMPUS, '--session', id, '--gt', gt], /either VIDEO or --session/);
    bad(['--session', id], /usage/);
  }, 120_000);
});
