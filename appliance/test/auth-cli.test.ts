import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { loadConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { CAMPUS, runCli, runCliAsync, tempDir } from './helpers.js';

/** POST JSON from a chosen loopback address (127.0.0.x), so per-address limits can be seen. */
function postFrom(localAddress: string, url: string, body: unknown): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('users and keys from the command line, used against the daemon', () => {
  const dir = tempDir();
  const cfg = join(dir, 'config.yaml');
  writeFileSync(cfg, `http:\n  port: 0\nstorage:\n  path: ${join(dir, 'v.db')}\nanalytics:\n  hourly_reports: false\n  daily_reports: false\ncameras:\n  - id: a\n    source: ${CAMPUS}\n    enabled: false\n`);
  let key = '';
  let keyId = '';
  let app: Appliance;
  let base: string;

  beforeAll(async () => {
    const weak = runCli(['user', 'add', 'boss', '--role', 'admin', '--config', cfg], {}, 'password1\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password must be at least 10 characters');
    const added = runCli(['user', 'add', 'boss', '--role', 'admin', '--config', cfg], {}, 'a fine long passphrase\n');
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/created admin "boss"/);
    const badScope = runCli(['apikey', 'add', 'hq', '--scope', 'everything', '--config', cfg]);
    expect(badScope.code).toBe(2);
    const k = runCli(['apikey', 'add', 'hq', '--scope', 'reports:read', '--config', cfg]);
    expect(k.code).toBe(0);
    key = k.stdout.trim();
    expect(key).toMatch(/^vtg_[\w-]+\.[\w-]+$/);
    keyId = key.slice(4).split('.')[0]!;
    app = new Appliance(loadConfig({ file: cfg, env: {} }).config, silentLogger());
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => app?.stop());

  it('the CLI-made admin logs in; the CLI-made key reads reports only; a CLI revoke refuses it at once', async () => {
    expect(await (await fetch(`${base}/api/v1/auth/status`)).json()).toEqual({ setup_required: false });
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'boss', password: 'a fine long passphrase' }) });
    expect(login.status).toBe(200);
    expect((await fetch(`${base}/api/v1/reports`, { headers: { 'x-api-key': key } })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/cameras`, { headers: { 'x-api-key': key } })).status).toBe(403);
    expect((await runCliAsync(['apikey', 'list', '--config', cfg])).stdout).toMatch(new RegExp(`^${keyId}\\thq\\treports:read\\tlast used 20`, 'm'));
    expect((await runCliAsync(['apikey', 'revoke', keyId, '--config', cfg])).code).toBe(0);
    expect((await fetch(`${base}/api/v1/reports`, { headers: { 'x-api-key': key } })).status).toBe(401);
    // A forgotten password is reset on the box; the old one stops working.
    expect((await runCliAsync(['user', 'passwd', 'boss', '--config', cfg], {}, 'another fine passphrase')).code).toBe(0);
    const old = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'boss', password: 'a fine long passphrase' }) });
    expect(old.status).toBe(401);
  });

  it('limits failed logins per client address over a real socket: 127.0.0.2 is blocked, 127.0.0.3 is not', async () => {
    const url = `${base}/api/v1/auth/login`;
    for (let i = 0; i < 10; i++) expect((await postFrom('127.0.0.2', url, { username: `nobody${i}`, password: 'not the password' })).status).toBe(401);
    const blocked = await postFrom('127.0.0.2', url, { username: 'boss', password: 'another fine passphrase' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect((await postFrom('127.0.0.3', url, { username: 'boss', password: 'another fine passphrase' })).status).toBe(200);
  });
});
