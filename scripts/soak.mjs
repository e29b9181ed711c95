// make soak: the daemon (dist/, as a process) with 4 looped cameras for hours, an MQTT broker taking its
// outbox, sampled at a fixed interval: resident memory, open file descriptors, database and WAL size,
// outbox depth and pipeline fps. Writes a CSV and a PNG chart, and fails (exit 1) when one of them
// grows without bound over the second half of the run (a least-squares slope test), or when the
// pipeline's fps in the last 10% of the run is more than 5% below the first 10%. Progress goes to
// stderr; the last line of stdout is one JSON object.
//
//   SOAK_MINUTES=120            how long (default 2 h)
//   SOAK_INTERVAL_SECONDS=60    between samples (default 60; runs under 20 minutes take 20 samples)
//   SOAK_OUT=DIR                where the CSV, PNG and daemon log go (default .vantage-test/soak-<time>)
//   node scripts/soak.mjs --minutes 5 --interval 10
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Aedes } from 'aedes';

const root = resolve(new URL('..', import.meta.url).pathname);
const { values: args } = parseArgs({ options: { minutes: { type: 'string' }, interval: { type: 'string' }, out: { type: 'string' } } });
const minutes = Number(args.minutes ?? process.env.SOAK_MINUTES ?? 120);
const defaultInterval = minutes >= 20 ? 60 : Math.max(5, Math.round((minutes * 60) / 20));
const interval = Number(args.interval ?? process.env.SOAK_INTERVAL_SECONDS ?? defaultInterval);
if (!(minutes > 0) || !(interval >= 1)) throw new Error('SOAK_MINUTES and SOAK_INTERVAL_SECONDS must be positive numbers');
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const out = resolve(args.out ?? process.env.SOAK_OUT ?? join(root, '.vantage-test', `soak-${stamp}`));
mkdirSync(out, { recursive: true });
const say = (m) => process.stderr.write(`${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cli = join(root, 'dist/appliance/src/main.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing: run make build first`);

const freePort = () => new Promise((res, rej) => {
  const s = createServer();
  s.once('error', rej);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});

// The cameras: the bundled Stadtmitte clip at 10 fps (as `make bench` runs its real-time streams),
// looped, with a zone and a line each so that events, minute counts, heatmaps and outbox messages flow.
const clip = join(out, 'stadtmitte-10fps.mp4');
if (!existsSync(clip)) execFileSync('ffmpeg', ['-v', 'error', '-i', join(root, 'appliance/media/mot15/TUD-Stadtmitte/TUD-Stadtmitte.mp4'), '-vf', 'fps=10', '-c:v', 'mpeg4', '-q:v', '3', clip]);
const port = await freePort();
const mqttPort = await freePort();
const dbPath = join(out, 'vantage.db');
const shapes = 'lines: [{ id: mid, points: [[0.5, 0.2], [0.5, 0.98]] }], zones: [{ id: left, points: [[0.02, 0.2], [0.5, 0.2], [0.5, 0.99], [0.02, 0.99]] }]';
const cfg = join(out, 'config.yaml');
writeFileSync(cfg, [
  `http: { host: 127.0.0.1, port: ${port}, rate_limit_per_minute: 0 }`,
  `storage: { path: ${dbPath}, media_dirs: [${out}] }`,
  'site: { name: soak, device: box }',
  `mqtt: { url: "mqtt://127.0.0.1:${mqttPort}" }`,
  'cameras:',
  ...[0, 1, 2, 3].map((i) => `  - { id: cam${i}, source: ${clip}, loop: true, ${shapes} }`),
  '',
].join('\n'));

// The broker: takes everything, keeps a count (the outbox must stay drained).
const broker = await Aedes.createBroker();
let published = 0;
broker.on('publish', (_p, client) => { if (client) published++; });
const brokerServer = createServer(broker.handle);
await new Promise((r) => brokerServer.listen(mqttPort, '127.0.0.1', r));

const log = createWriteStream(join(out, 'daemon.log'));
const daemon = spawn(process.execPath, [cli, 'run', '--config', cfg], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
daemon.stdout.pipe(log);
daemon.stderr.pipe(log);
let exited;
daemon.once('exit', (code, signal) => (exited = { code, signal }));
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (exited) throw new Error(`the daemon exited at start (${JSON.stringify(exited)}); see ${join(out, 'daemon.log')}`);
  try { if ((await fetch(`${base}/readyz`)).ok) break; } catch { /* not yet */ }
  if (i > 600) throw new Error('the daemon did not become ready within 60 s');
  await sleep(100);
}
// An API key: access tokens last 15 minutes, a soak lasts hours.
const admin = { username: 'admin', password: 'soak test passphrase 42' };
// The one-time setup code, as an operator reads it on the box (`vantage setup-code` prints the same).
const setupCode = execFileSync(process.execPath, [cli, 'setup-code', '--config', cfg], { cwd: root, encoding: 'utf8' }).trim();
const setup = await fetch(`${base}/api/v1/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...admin, setup_code: setupCode }) });
const { access_token: token } = await setup.json();
const keyRes = await fetch(`${base}/api/v1/api-keys`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name: 'soak', scopes: ['cameras:read'] }) });
const { key } = await keyRes.json();

const retry = async (fn) => { try { return await fn(); } catch { await sleep(200); return fn(); } };
const cameras = () => retry(async () => (await (await fetch(`${base}/api/v1/cameras`, { headers: { 'x-api-key': key } })).json()).cameras);
const outboxDepth = () => retry(async () => Number(/^vantage_outbox_depth (\S+)$/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? NaN));
const rssMb = (pid) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const children = (pid) => readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((e) => {
  try { const st = readFileSync(`/proc/${e}/stat`, 'utf8'); return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === pid; } catch { return false; }
}).map(Number);
const size = (p) => (existsSync(p) ? statSync(p).size / 2 ** 20 : 0);

const warmup = Math.min(60, Math.max(10, minutes * 6)); // seconds: 10% of the run, at most a minute
say(`soak: 4 cameras for ${minutes} min, a sample every ${interval} s after ${warmup} s of warm-up; output in ${out}`);
await sleep(warmup * 1000);
const samples = [];
const csv = createWriteStream(join(out, 'soak.csv'));
csv.write('t_s,rss_mb,ffmpeg_rss_mb,fds,db_mb,wal_mb,outbox_depth,fps_inferred,fps_decoded,cameras_online\n');
let prev = { t: Date.now(), cams: await cameras() };
const started = Date.now();
const end = started + minutes * 60_000;
while (Date.now() < end) {
  await sleep(Math.min(interval * 1000, Math.max(0, end - Date.now())));
  if (exited) break;
  const now = Date.now();
  const cams = await cameras();
  const dt = (now - prev.t) / 1000;
  const sum = (xs, k) => xs.reduce((a, c) => a + c[k], 0);
  const s = {
    t_s: Math.round((now - started) / 1000),
    rss_mb: rssMb(daemon.pid),
    ffmpeg_rss_mb: children(daemon.pid).reduce((a, p) => { try { return a + rssMb(p); } catch { return a; } }, 0),
    fds: readdirSync(`/proc/${daemon.pid}/fd`).length,
    db_mb: size(dbPath),
    wal_mb: size(`${dbPath}-wal`),
    outbox_depth: await outboxDepth(),
    fps_inferred: (sum(cams, 'framesInferred') - sum(prev.cams, 'framesInferred')) / dt,
    fps_decoded: (sum(cams, 'framesDecoded') - sum(prev.cams, 'framesDecoded')) / dt,
    cameras_online: cams.filter((c) => c.status === 'online').length,
  };
  prev = { t: now, cams };
  samples.push(s);
  csv.write(`${Object.values(s).map((v) => (Number.isInteger(v) ? v : v.toFixed(2))).join(',')}\n`);
  say(`  ${new Date().toISOString()} t=${s.t_s}s rss=${s.rss_mb.toFixed(0)}MB fds=${s.fds} db=${s.db_mb.toFixed(1)}MB wal=${s.wal_mb.toFixed(1)}MB outbox=${s.outbox_depth} fps=${s.fps_inferred.toFixed(1)}`);
}
csv.end();
const daemonDied = exited;
daemon.kill('SIGTERM');
const stopped = await Promise.race([new Promise((r) => daemon.once('exit', (code) => r(code))), sleep(10_000).then(() => 'timeout')]);
await new Promise((r) => brokerServer.close(() => broker.close(() => r())));
for (const c of Object.values(broker.clients ?? {})) c.close?.();

// --- the verdict ---------------------------------------------------------------------------------
/**
 * Least-squares slope of y over x (per second), the fitted rise over the span, and the rise that is
 * certain (the slope less two standard errors): noise such as garbage-collection sawtooth does not
 * count as growth, a steady climb does.
 */
function trend(xs, ys) {
  const n = xs.length;
  if (n < 3) return { slope: 0, rise: 0, sureRise: 0 };
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) ** 2; }
  const slope = den ? num / den : 0;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i] - (my + slope * (xs[i] - mx))) ** 2;
  const se = den ? Math.sqrt(sse / (n - 2) / den) : 0;
  const span = xs[n - 1] - xs[0];
  return { slope, rise: slope * span, sureRise: Math.max(0, slope - 2 * se) * span };
}
const failures = [];
const half = samples.slice(Math.floor(samples.length / 2));
const firstHalf = samples.slice(0, Math.floor(samples.length / 2));
const col = (xs, k) => xs.map((s) => s[k]);
const median = (ys) => { const v = [...ys].sort((a, b) => a - b); return v.length ? v[Math.floor(v.length / 2)] : 0; };
const t2 = col(half, 't_s');
// Bounds on what the second half may add (fitted), each with the reason it is that size.
// Memory settles for many minutes after start (V8 grows its heap towards a steady state): RSS is only
// judged when the second half lasts at least 10 minutes; shorter runs report it as a warning.
const secondHalfMinutes = t2.length > 1 ? (t2.at(-1) - t2[0]) / 60 : 0;
const warnings = [];
const checks = {
  rss_mb: { allowed: Math.max(16, 0.05 * median(col(half, 'rss_mb'))), why: '5% of its median or 16 MiB', minMinutes: 10 },
  fds: { allowed: 3, why: 'no more than 3 descriptors' },
  wal_mb: { allowed: 8, why: 'checkpoints keep the WAL bounded (journal_size_limit 64 MiB)' },
  outbox_depth: { allowed: 20, why: 'the broker is up: the outbox stays drained' },
};
const trends = {};
for (const [k, c] of Object.entries(checks)) {
  const t = trend(t2, col(half, k));
  trends[k] = { rise_second_half: Math.round(t.rise * 100) / 100, sure_rise_second_half: Math.round(t.sureRise * 100) / 100, per_hour: Math.round(t.slope * 3600 * 100) / 100 };
  if (samples.length < 6 || t.sureRise <= c.allowed) continue;
  const what = `${k} rose ${t.rise.toFixed(2)} over the second half, at least ${t.sureRise.toFixed(2)} beyond noise (allowed ${c.allowed.toFixed(1)}: ${c.why})`;
  if (c.minMinutes && secondHalfMinutes < c.minMinutes) warnings.push(`${what}; not judged: the second half lasted ${secondHalfMinutes.toFixed(1)} min (< ${c.minMinutes})`);
  else failures.push(what);
}
// The database grows with the data it keeps (until retention trims it, after days): linear is
// expected; growth that accelerates (a second-half rate over twice the first half's) is not.
const db1 = trend(col(firstHalf, 't_s'), col(firstHalf, 'db_mb'));
const db2 = trend(t2, col(half, 'db_mb'));
trends.db_mb = { per_hour_first_half: Math.round(db1.slope * 3600 * 100) / 100, per_hour_second_half: Math.round(db2.slope * 3600 * 100) / 100 };
if (samples.length >= 6 && db2.slope * 3600 > Math.max(2 * db1.slope * 3600, 1)) failures.push(`database growth accelerates: ${trends.db_mb.per_hour_first_half} → ${trends.db_mb.per_hour_second_half} MiB/h`);
const tenth = Math.max(1, Math.floor(samples.length / 10));
// Medians: one sample taken while something else on the box had the CPU does not decide the run.
const fpsFirst = median(col(samples.slice(0, tenth), 'fps_inferred'));
const fpsLast = median(col(samples.slice(-tenth), 'fps_inferred'));
const fpsDrop = fpsFirst > 0 ? (fpsFirst - fpsLast) / fpsFirst : 1;
if (fpsDrop > 0.05) failures.push(`fps fell ${(fpsDrop * 100).toFixed(1)}% from the first 10% (${fpsFirst.toFixed(1)}) to the last 10% (${fpsLast.toFixed(1)})`);
if (daemonDied) failures.push(`the daemon exited during the soak: ${JSON.stringify(daemonDied)}`);
if (samples.some((s) => s.cameras_online < 4)) failures.push(`a camera was not online at ${samples.filter((s) => s.cameras_online < 4).length} samples`);
if (stopped !== 0) failures.push(`SIGTERM at the end: ${stopped === 'timeout' ? 'no exit within 10 s' : `exit code ${stopped}`}`);
if (samples.length < 3) failures.push(`only ${samples.length} samples: run longer or sample more often`);

// --- the chart: one panel per series, rendered from SVG by sharp -----------------------------------
const series = [
  ['rss_mb', 'daemon RSS (MiB)', '#1f77b4'],
  ['fds', 'open file descriptors', '#ff7f0e'],
  ['db_mb', 'database (MiB)', '#2ca02c'],
  ['wal_mb', 'WAL (MiB)', '#17becf'],
  ['outbox_depth', 'outbox depth (messages)', '#d62728'],
  ['fps_inferred', 'pipeline fps (frames analysed/s, 4 cameras)', '#9467bd'],
];
const W = 1000, PH = 150, PAD = { l: 70, r: 20, t: 28, b: 22 };
const H = series.length * PH + 40;
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, sans-serif" font-size="12">`;
svg += `<rect width="100%" height="100%" fill="#fff"/><text x="${PAD.l}" y="22" font-size="15" font-weight="bold">Vantage soak: 4 cameras, ${minutes} min, ${samples.length} samples — ${failures.length ? 'FAIL' : 'PASS'}</text>`;
const tMax = Math.max(1, ...col(samples, 't_s'));
series.forEach(([k, title, color], i) => {
  const y0 = 40 + i * PH;
  const ys = col(samples, k);
  let lo = Math.min(...ys, 0), hi = Math.max(...ys, 1);
  if (hi - lo < 1e-9) hi = lo + 1;
  const px = (t) => PAD.l + ((W - PAD.l - PAD.r) * t) / tMax;
  const py = (v) => y0 + PAD.t + (PH - PAD.t - PAD.b) * (1 - (v - lo) / (hi - lo));
  svg += `<text x="${PAD.l}" y="${y0 + 16}" font-weight="bold">${esc(title)}</text>`;
  svg += `<rect x="${PAD.l}" y="${y0 + PAD.t}" width="${W - PAD.l - PAD.r}" height="${PH - PAD.t - PAD.b}" fill="#fafafa" stroke="#ccc"/>`;
  svg += `<text x="${PAD.l - 6}" y="${py(hi) + 4}" text-anchor="end">${hi.toFixed(hi < 10 ? 1 : 0)}</text><text x="${PAD.l - 6}" y="${py(lo) + 4}" text-anchor="end">${lo.toFixed(lo < 10 ? 1 : 0)}</text>`;
  svg += `<line x1="${px(tMax / 2)}" x2="${px(tMax / 2)}" y1="${y0 + PAD.t}" y2="${y0 + PH - PAD.b}" stroke="#bbb" stroke-dasharray="4 3"/>`;
  if (samples.length) svg += `<polyline fill="none" stroke="${color}" stroke-width="2" points="${samples.map((s) => `${px(s.t_s).toFixed(1)},${py(s[k]).toFixed(1)}`).join(' ')}"/>`;
  svg += `<text x="${W - PAD.r}" y="${y0 + PH - 6}" text-anchor="end" fill="#666">${(tMax / 60).toFixed(1)} min</text>`;
});
svg += '</svg>';
writeFileSync(join(out, 'soak.svg'), svg);
await sharp(Buffer.from(svg)).png().toFile(join(out, 'soak.png'));

const r1 = (v) => Math.round(v * 10) / 10;
const last = samples.at(-1) ?? {};
console.log(JSON.stringify({
  ok: failures.length === 0,
  minutes,
  interval_seconds: interval,
  samples: samples.length,
  csv: join(out, 'soak.csv'),
  png: join(out, 'soak.png'),
  rss_mb: { first: r1(samples[0]?.rss_mb ?? 0), last: r1(last.rss_mb ?? 0), ...trends.rss_mb },
  fds: { first: samples[0]?.fds ?? null, last: last.fds ?? null, ...trends.fds },
  db_mb: { last: r1(last.db_mb ?? 0), ...trends.db_mb },
  wal_mb: { max: r1(Math.max(0, ...col(samples, 'wal_mb'))), ...trends.wal_mb },
  outbox_depth: { max: Math.max(0, ...col(samples, 'outbox_depth')), ...trends.outbox_depth },
  mqtt_messages_received: published,
  fps: { first_10pct: r1(fpsFirst), last_10pct: r1(fpsLast), drop_pct: r1(fpsDrop * 100) },
  failures,
  warnings,
}));
process.exit(failures.length ? 1 : 0);
