/**
 * Fault (c), part 1: bad inputs that are not HTTP requests (those are in api-fuzz.test.ts).
 * - A corrupt model file: `vantage run` refuses to start, exit code 1, a message naming detector.model,
 *   no stack trace anywhere in its output; the same for a manifest without a checksum.
 * - A config with many kinds of errors: every one named by its key path, in one run.
 * - Videos with garbage bytes in the middle, and cut short: each analysis session completes or fails
 *   on its own, the daemon stays up and its live camera keeps counting frames.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAMPUS, ROOT, runCli, signIn, STADTMITTE, tempDir, waitFor } from '../helpers.js';
import { daemonDir, getJson, reportFigures, startDaemon, writeConfig, type Daemon } from './fault-kit.js';

const MODEL_DIR = join(ROOT, 'models/yolox-nano');
const STACK_FRAME = /\n\s+at .+[(:]\d+|"stack":"[^"]/;

/** A copy of the bundled model dir whose ONNX file is cut short and padded with random bytes. */
function corruptModel(withChecksum: boolean): string {
  const dir = tempDir('vantage-badmodel-');
  for (const f of ['coco_labels.txt', 'LICENSE-yolox_nano.txt']) copyFileSync(join(MODEL_DIR, f), join(dir, f));
  const good = readFileSync(join(MODEL_DIR, 'yolox_nano.onnx'));
  const bad = Buffer.concat([good.subarray(0, Math.floor(good.length / 3)), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 255))]);
  writeFileSync(join(dir, 'yolox_nano.onnx'), bad);
  const manifest = JSON.parse(readFileSync(join(MODEL_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  if (!withChecksum) delete manifest.sha256;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return join(dir, 'manifest.json');
}

describe('fault: a corrupt model file', () => {
  it.each([
    ['with the manifest checksum', true],
    ['without a checksum (onnxruntime finds it)', false],
  ])('refuses to start %s: exit 1, names detector.model, no stack trace', async (_what, withChecksum) => {
    const manifest = corruptModel(withChecksum);
    const dir = tempDir();
    const cfg = writeConfig(dir, [`http: { port: 0 }`, `storage: { path: ${join(dir, 'v.db')} }`, `detector: { model: ${manifest} }`, 'cameras: []']);
    const r = runCli(['run', '--config', cfg]);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^vantage: /m);
    expect(r.stderr).toMatch(/^(vantage: |  - )detector\.model: /m);
    expect(r.stderr).toContain('yolox_nano.onnx');
    expect(r.stderr).toMatch(withChecksum ? /does not match the sha256/ : /cannot load model/);
    expect(all).not.toMatch(STACK_FRAME);
    // It never got as far as listening.
    expect(all).not.toContain('"msg":"listening"');
  });
});

describe('fault: a GPU provider this box does not have', () => {
  it('refuses to start: exit 1, names detector.provider and the missing library, no stack trace', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, ['http: { port: 0 }', `storage: { path: ${join(dir, 'v.db')} }`, 'detector: { provider: cuda, workers: 1 }', 'cameras: []']);
    const r = runCli(['run', '--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^vantage: detector\.provider: execution provider "cuda" .*libonnxruntime_providers_cuda\.so/m);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(STACK_FRAME);
  });
});

describe('fault: a config with every kind of error', () => {
  it('names each problem by its key path in one run (vantage config check and vantage run)', () => {
    const dir = tempDir();
    const yaml = [
      'site: { name: "" }',
      'http: { port: 70000, rate_limit_per_minute: -1, bogus: 1 }',
      'storage: { path: 12, min_free_mb: -5 }',
      'detector: { provider: gpu, workers: 1.5, score_threshold: 2, model: /nonexistent/manifest.json }',
      'tracker: { low_threshold: 0.9, high_threshold: 0.5 }',
      'analytics: { daily_report_at: "25:00", retention: { events_days: 0 } }',
      'mqtt: { url: "http://broker" }',
      'telegram: { bot_token: "nope" }',
      'outbox: { max_messages: 5 }',
      'cameras:',
      '  - { id: "Bad Id", source: "" }',
      '  - { id: cam, source: a.mp4, fps: 25, zones: [{ id: z, points: [[0, 0], [1, 1]] }] }',
      '  - { id: cam2, source: b.mp4, rtsp_transport: quic, stall_timeout: 0, hwaccel: nvenc }',
      '  - { source: c.mp4 }',
    ];
    const cfg = writeConfig(dir, yaml);
    const expected: Array<[string, RegExp]> = [
      ['site.name', /Too small/],
      ['http.port', /Too big/],
      ['http.rate_limit_per_minute', /Too small/],
      ['http.bogus', /unknown key/],
      ['storage.path', /expected string, received number/],
      ['storage.min_free_mb', /Too small/],
      ['detector.provider', /cpu.*cuda.*tensorrt/],
      ['detector.workers', /int/],
      ['detector.score_threshold', /Too big/],
      ['detector.model', /not found.*nonexistent/],
      ['tracker.low_threshold', /must not exceed/],
      ['analytics.daily_report_at', /HH:MM/],
      ['analytics.retention.events_days', /Too small/],
      ['mqtt.url', /mqtt:\/\//],
      ['telegram.bot_token', /BotFather/],
      ['outbox.max_messages', /Too small/],
      ['cameras[0].id', /1-64 chars/],
      ['cameras[0].source', /must not be empty/],
      ['cameras[1].fps', /unknown key/],
      ['cameras[1].zones[0].points', /at least 3 points/],
      ['cameras[2].rtsp_transport', /tcp.*udp/],
      ['cameras[2].stall_timeout', /Too small/],
      ['cameras[2].hwaccel', /none.*cuda.*vaapi.*jetson/],
      ['cameras[3].id', /required/],
    ];
    for (const args of [['config', 'check', cfg], ['run', '--config', cfg]]) {
      const r = runCli(args, { VANTAGE_LOG__LEVEL: 'verbose' });
      expect(r.code, `${args.join(' ')} exit code`).toBe(1);
      const lines = r.stderr.split('\n');
      for (const [path, problem] of expected) {
        const line = lines.find((l) => l.startsWith(`  - ${path}: `));
        expect(line, `${args[0]}: a line for ${path} in\n${r.stderr}`).toBeDefined();
        expect(line).toMatch(problem);
      }
      // The environment override is checked like the file.
      expect(lines.find((l) => l.startsWith('  - log.level: '))).toMatch(/fatal.*silent/);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(STACK_FRAME);
    }
    // Cross-field checks (duplicate ids) once the fields themselves are right.
    const dup = writeConfig(dir, ['cameras:', `  - { id: a, source: ${CAMPUS} }`, `  - { id: a, source: ${CAMPUS} }`], 'dup.yaml');
    const r = runCli(['config', 'check', dup]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cameras\[1\]\.id: duplicate camera id "a" \(also cameras\[0\]\)/);
    reportFigures('bad-config', { config_errors_named: expected.length + 2 });
  });
});

describe('fault: videos with garbage in the middle, and cut short', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.kill();
  });

  it('each session completes or fails on its own; the daemon stays up and its camera keeps counting', async () => {
    const { dir, port, head } = await daemonDir('garbage');
    const media = join(dir, 'media');
    mkdirSync(media);
    const original = readFileSync(STADTMITTE);
    const noise = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 2654435761 + seed) & 255));
    const files: Record<string, Buffer> = {
      // 64 KiB of noise over the middle of the sample data.
      'garbage-middle.mp4': Buffer.concat([original.subarray(0, Math.floor(original.length / 2)), noise(65_536, 1), original.subarray(Math.floor(original.length / 2) + 65_536)]),
      // Noise every 100 KiB, 4 KiB each.
      'garbage-spread.mp4': (() => {
        const b = Buffer.from(original);
        for (let at = 50_000; at + 4096 < b.length; at += 100_000) noise(4096, at).copy(b, at);
        return b;
      })(),
      // The second half missing.
      'cut-short.mp4': original.subarray(0, Math.floor(original.length / 2)),
      // Not video at all, with a video name.
      'all-garbage.mp4': noise(300_000, 3),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(media, name), bytes);
    const cfg = writeConfig(dir, [...head, 'cameras:', `  - { id: live, source: ${CAMPUS}, loop: true }`]);
    daemon = await startDaemon(cfg, port);
    const token = await signIn(daemon.base);
    const post = (path: string, body?: unknown) =>
      fetch(`${daemon!.base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const frames = async () => (await getJson<{ cameras: Array<{ id: string; status: string; framesDecoded: number }> }>(`${daemon!.base}/api/v1/cameras`, token)).cameras.find((c) => c.id === 'live')!;
    const before = await waitFor('live camera online', async () => ((await frames()).status === 'online' ? frames() : undefined));

    const outcomes: Record<string, { status: string; error: string | null; progress: number }> = {};
    for (const name of Object.keys(files)) {
      const created = await post('/api/v1/sessions', { file: join(media, name) });
      expect(created.status, name).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await post(`/api/v1/sessions/${id}/start`)).status).toBe(202);
      outcomes[name] = await waitFor(`session for ${name} finished`, async () => {
        const s = await getJson<{ status: string; error: string | null; progress: number }>(`${daemon!.base}/api/v1/sessions/${id}`, token);
        return s.status === 'completed' || s.status === 'failed' ? s : undefined;
      }, 60_000, 300);
      expect(daemon.alive(), `daemon alive after ${name}`).toBe(true);
      expect((await fetch(`${daemon.base}/healthz`)).status).toBe(200);
    }
    // Damaged but decodable files complete; one with no video fails with its name in the error.
    expect(outcomes['garbage-middle.mp4']!.status).toBe('completed');
    expect(outcomes['garbage-spread.mp4']!.status).toBe('completed');
    expect(['completed', 'failed']).toContain(outcomes['cut-short.mp4']!.status);
    expect(outcomes['all-garbage.mp4']).toMatchObject({ status: 'failed', error: expect.stringContaining('all-garbage.mp4') });
    for (const o of Object.values(outcomes)) if (o.status === 'failed') expect(o.error).not.toMatch(STACK_FRAME);

    const after = await frames();
    expect(after.status).toBe('online');
    expect(after.framesDecoded).toBeGreaterThan(before.framesDecoded);
    expect((await fetch(`${daemon.base}/readyz`)).status).toBe(200);
    reportFigures('bad-video', { sessions: Object.fromEntries(Object.entries(outcomes).map(([k, v]) => [k, v.status])), daemon_up: true });
  }, 240_000);
});
