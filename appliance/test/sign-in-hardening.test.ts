import { request } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { loadConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { CAMPUS, freePort, runCliAsync, startCli, tempDir, waitFor } from './helpers.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request over a real socket from a chosen loopback address, with any headers (Host included). */
function send(url: string, opts: { method?: string; from?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers };
    const req = request(url, { method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'), headers, ...(opts.from ? { localAddress: opts.from } : {}) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    // An upgrade the server accepts would not come back as a response; none of these are accepted.
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, headers: res.headers, body: '' });
    });
    req.on('error', reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

const BOSS = { username: 'boss', password: 'a fine long passphrase' };

describe('first run, Host check and login limits against a running daemon', () => {
  const dir = tempDir();
  const cfg = join(dir, 'config.yaml');
  const codeFile = join(dir, 'setup-code');
  writeFileSync(
    cfg,
    [
      'http:',
      '  port: 0',
      '  trusted_proxies: [127.0.0.9]',
      '  allowed_hosts: [vantage.site.lan]',
      'storage:',
      `  path: ${join(dir, 'v.db')}`,
      'analytics:',
      '  hourly_reports: false',
      '  daily_reports: false',
      'cameras:',
      '  - id: a',
      `    source: ${CAMPUS}`,
      '    enabled: false',
      '',
    ].join('\n'),
  );
  let app: Appliance;
  let base: string;
  let port: number;

  beforeAll(async () => {
    app = new Appliance(loadConfig({ file: cfg, env: {} }).config, silentLogger());
    await app.start();
    port = app.address!.port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => app?.stop());

  it('first-run setup needs the one-time code from the box: a 0600 file beside the database, `vantage setup-code`; gone once an admin exists', async () => {
    expect(existsSync(codeFile)).toBe(true);
    expect(statSync(codeFile).mode & 0o777).toBe(0o600);
    const shown = await runCliAsync(['setup-code', '--config', cfg]);
    expect(shown.code).toBe(0);
    const code = shown.stdout.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const status = JSON.parse((await send(`${base}/api/v1/auth/status`)).body) as Record<string, unknown>;
    expect(status).toEqual({ setup_required: true, setup_code_file: codeFile });
    expect(JSON.stringify(status)).not.toContain(code);

    // Whoever reaches the port first cannot claim the box.
    const claim = await send(`${base}/api/v1/auth/setup`, { from: '127.0.0.5', body: { username: 'intruder', password: 'another long passphrase' } });
    expect(claim.status).toBe(403);
    expect(JSON.parse(claim.body)).toMatchObject({ error: { fields: [{ field: 'setup_code', message: 'required' }] } });
    const guess = await send(`${base}/api/v1/auth/setup`, { from: '127.0.0.5', body: { username: 'intruder', password: 'another long passphrase', setup_code: 'ABCD-EFGH-JKMN' } });
    expect(guess.status).toBe(403);
    expect(JSON.parse((await send(`${base}/api/v1/auth/status`)).body)).toMatchObject({ setup_required: true });

    const setup = await send(`${base}/api/v1/auth/setup`, { body: { ...BOSS, setup_code: code } });
    expect(setup.status).toBe(201);
    expect(JSON.parse(setup.body)).toMatchObject({ user: { username: 'boss', role: 'admin' } });
    expect(existsSync(codeFile)).toBe(false);
    expect(JSON.parse((await send(`${base}/api/v1/auth/status`)).body)).toEqual({ setup_required: false });
    const after = await runCliAsync(['setup-code', '--config', cfg]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('setup is done');
  });

  it('answers only to its own names in Host (DNS rebinding): another name is 421 naming Host, for requests and WebSocket upgrades', async () => {
    const ok = ['127.0.0.1', `127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`, `${hostname()}:${port}`, `vantage.site.lan:${port}`, 'VANTAGE.SITE.LAN'];
    for (const host of ok) expect((await send(`${base}/healthz`, { headers: { host } })).status, host).toBe(200);
    for (const host of [`evil.example:${port}`, 'rebind.attacker.test', `vantage.site.lan.evil.example:${port}`]) {
      for (const path of ['/healthz', '/api/v1/auth/status', '/']) {
        const res = await send(`${base}${path}`, { headers: { host } });
        expect(res.status, `${host} ${path}`).toBe(421);
        expect(JSON.parse(res.body)).toMatchObject({ error: { fields: [{ field: 'Host' }] } });
      }
      const setup = await send(`${base}/api/v1/auth/login`, { headers: { host }, body: BOSS });
      expect(setup.status).toBe(421);
      const upgrade = await send(`${base}/api/v1/live`, {
        headers: { host, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      expect(upgrade.status, `upgrade with ${host}`).toBe(421);
      expect(upgrade.body).toContain('Host');
    }
    // The same upgrade with this box's own name reaches authentication (401: no credentials).
    const own = await send(`${base}/api/v1/live`, {
      headers: { host: `localhost:${port}`, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    expect(own.status).toBe(401);
  });

  it('40 concurrent wrong logins from a stranger get at most 10 answers of 401; the real admin still logs in from another address meanwhile', async () => {
    const url = `${base}/api/v1/auth/login`;
    const hammer = Array.from({ length: 40 }, (_, i) => send(url, { from: '127.0.0.2', body: { username: 'boss', password: `parallel guess ${i}` } }));
    // While the stranger's attempts are in flight, the admin signs in from their own desk.
    const admin = await send(url, { from: '127.0.0.3', body: BOSS });
    const statuses = (await Promise.all(hammer)).map((r) => r.status);
    const count = (s: number) => statuses.filter((x) => x === s).length;
    expect(count(401)).toBeLessThanOrEqual(10);
    expect(count(429)).toBeGreaterThanOrEqual(30);
    expect(count(401) + count(429)).toBe(40);
    expect(admin.status).toBe(200);
    // After the hammering too: the stranger's address is blocked, the admin's is not.
    expect((await send(url, { from: '127.0.0.2', body: BOSS })).status).toBe(429);
    expect((await send(url, { from: '127.0.0.3', body: BOSS })).status).toBe(200);
  });

  it('behind a trusted proxy the limit follows X-Forwarded-For; from anyone else X-Forwarded-For is ignored', async () => {
    const url = `${base}/api/v1/auth/login`;
    const viaProxy = (client: string, body: unknown) => send(url, { from: '127.0.0.9', headers: { 'x-forwarded-for': client }, body });
    for (let i = 0; i < 10; i++) expect((await viaProxy('10.0.0.7', { username: 'boss', password: `proxy guess ${i}` })).status).toBe(401);
    expect((await viaProxy('10.0.0.7', BOSS)).status).toBe(429);
    // Another client behind the same proxy is not blocked by the first one's failures…
    expect((await viaProxy('10.0.0.8', BOSS)).status).toBe(200);
    // …and a client cannot pick its own address by writing the header: the proxy appends the real one.
    expect((await viaProxy('10.0.0.99, 10.0.0.7', BOSS)).status).toBe(429);
    // A direct client's X-Forwarded-For counts for nothing: its own address is limited.
    for (let i = 0; i < 10; i++) {
      const r = await send(url, { from: '127.0.0.4', headers: { 'x-forwarded-for': `10.1.0.${i}` }, body: { username: 'boss', password: `spoofed guess ${i}` } });
      expect(r.status).toBe(401);
    }
    const spoofed = await send(url, { from: '127.0.0.4', headers: { 'x-forwarded-for': '10.1.0.200' }, body: BOSS });
    expect(spoofed.status).toBe(429);
    expect(Number(spoofed.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('the daemon prints the setup code in its log', () => {
  it('a JSON log line carries the code and where it is written; a restart makes a new one and the old one stops working', async () => {
    const dir = tempDir();
    const port = await freePort();
    const cfg = join(dir, 'config.yaml');
    writeFileSync(cfg, `http:\n  port: ${port}\nstorage:\n  path: ${join(dir, 'v.db')}\nanalytics:\n  hourly_reports: false\n  daily_reports: false\n`);
    const codeOf = async (whileRunning: (code: string) => Promise<void> = async () => undefined) => {
      const child = startCli(['run', '--config', cfg]);
      const exited = new Promise((r) => child.once('exit', r));
      try {
        const line = await waitFor('the setup-code log line', () => child.output().split('\n').find((l) => l.includes('"setup_code"')), 60_000);
        const log = JSON.parse(line) as { level: number; setup_code: string; file: string; msg: string };
        expect(log.file).toBe(join(dir, 'setup-code'));
        expect(readFileSync(log.file, 'utf8').trim()).toBe(log.setup_code);
        expect(log.msg).toContain(log.setup_code);
        expect(log.msg).toContain('vantage setup-code');
        await waitFor('listening', async () => ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
        await whileRunning(log.setup_code);
        return log.setup_code;
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    };
    const first = await codeOf();
    const setup = (code: string) => send(`http://127.0.0.1:${port}/api/v1/auth/setup`, { body: { ...BOSS, setup_code: code } });
    const second = await codeOf(async (code) => {
      expect(code).not.toBe(first);
      expect((await setup(first)).status).toBe(403);
      expect((await setup(code)).status).toBe(201);
    });
    expect(second).not.toBe(first);
  });
});
