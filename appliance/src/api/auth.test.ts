import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { apiHarness, PASSWORD } from '../../test/api-harness.js';

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('first-run setup', () => {
  it('creates the first admin once, then answers 409; refuses weak passwords naming the field', async () => {
    const h = await apiHarness();
    expect(await (await h.app.request('/api/v1/auth/status')).json()).toEqual({ setup_required: true, setup_code_file: null });
    for (const [password, why] of [
      ['short1', 'at least 10'],
      ['password123', 'common'],
      ['1234567890', 'common'],
      ['aaaaaaaaaaaa', 'different characters'],
      ['xx-chief-2026-xx', 'username'],
    ] as const) {
      const res = await h.app.request('/api/v1/auth/setup', json({ username: 'chief', password, setup_code: h.setupCode }));
      expect(res.status, password).toBe(400);
      const body = (await res.json()) as { error: { message: string; fields: Array<{ field: string }> } };
      expect(body.error.fields[0]!.field).toBe('password');
      expect(body.error.message).toContain(why);
    }
    const ok = await h.app.request('/api/v1/auth/setup', json({ username: 'chief', password: PASSWORD, setup_code: h.setupCode }));
    expect(ok.status).toBe(201);
    const tokens = (await ok.json()) as { access_token: string; refresh_token: string; user: { role: string } };
    expect(tokens.user.role).toBe('admin');
    expect(tokens.access_token.split('.')).toHaveLength(3);
    expect((await h.app.request('/api/v1/auth/setup', json({ username: 'other', password: PASSWORD, setup_code: h.setupCode }))).status).toBe(409);
    expect(await (await h.app.request('/api/v1/auth/status')).json()).toEqual({ setup_required: false });
    expect(h.auth.users().map((u) => u.username)).toEqual(['chief']);
  });

  it('refuses to create the first admin without the one-time setup code: 403 naming setup_code, nothing created', async () => {
    const h = await apiHarness();
    const refused = async (extra: Record<string, unknown>, message: string) => {
      const res = await h.app.request('/api/v1/auth/setup', json({ username: 'intruder', password: PASSWORD, ...extra }));
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { message: string; fields: Array<{ field: string; message: string }> } };
      expect(body.error.fields).toEqual([{ field: 'setup_code', message }]);
      expect(body.error.message).toContain('vantage setup-code');
    };
    await refused({}, 'required');
    await refused({ setup_code: '' }, 'required');
    await refused({ setup_code: 'AAAA-BBBB-CCCC' }, 'wrong');
    await refused({ setup_code: `${h.setupCode}x` }, 'wrong');
    expect(h.auth.users()).toEqual([]);
    expect(await (await h.app.request('/api/v1/auth/status')).json()).toMatchObject({ setup_required: true });
    // Typed by a person: lower case, spaces for dashes.
    const typed = h.setupCode.toLowerCase().replaceAll('-', ' ');
    expect((await h.app.request('/api/v1/auth/setup', json({ username: 'chief', password: PASSWORD, setup_code: typed }))).status).toBe(201);
    expect(h.auth.users().map((u) => u.username)).toEqual(['chief']);
  });

  it('guessing the setup code is limited like passwords: after 10 wrong codes from an address, 429', async () => {
    const h = await apiHarness();
    for (let i = 0; i < 10; i++) expect((await h.app.request('/api/v1/auth/setup', json({ username: 'intruder', password: PASSWORD, setup_code: `GUES-S000-000${i}` }))).status).toBe(403);
    expect((await h.app.request('/api/v1/auth/setup', json({ username: 'chief', password: PASSWORD, setup_code: h.setupCode }))).status).toBe(429);
    expect(h.auth.users()).toEqual([]);
  });
});

describe('tokens', () => {
  it('login → 15-minute access token; it expires; refresh rotates, and a replayed refresh token revokes its family', async () => {
    const h = await apiHarness();
    await h.auth.createUser('op', PASSWORD, 'operator');
    expect((await h.app.request('/api/v1/auth/login', json({ username: 'op', password: 'wrong password!' }))).status).toBe(401);
    expect((await h.app.request('/api/v1/auth/login', json({ username: 'nobody', password: PASSWORD }))).status).toBe(401);
    const login = (await (await h.app.request('/api/v1/auth/login', json({ username: 'op', password: PASSWORD }))).json()) as { access_token: string; refresh_token: string; access_expires_at: string };
    expect(Date.parse(login.access_expires_at) - h.clock.t).toBe(15 * 60_000);
    const me = (bearer: string) => h.app.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${bearer}` } });
    expect(await (await me(login.access_token)).json()).toMatchObject({ kind: 'user', username: 'op', role: 'operator' });

    h.clock.t += 15 * 60_000 + 1000;
    expect((await me(login.access_token)).status).toBe(401); // expired

    const r1 = (await (await h.app.request('/api/v1/auth/refresh', json({ refresh_token: login.refresh_token }))).json()) as { access_token: string; refresh_token: string };
    expect(r1.refresh_token).not.toBe(login.refresh_token);
    expect((await me(r1.access_token)).status).toBe(200);
    const r2 = (await (await h.app.request('/api/v1/auth/refresh', json({ refresh_token: r1.refresh_token }))).json()) as { refresh_token: string };
    // The first token again: a thief replaying it. The whole family dies, including the newest token.
    const replay = await h.app.request('/api/v1/auth/refresh', json({ refresh_token: login.refresh_token }));
    expect(replay.status).toBe(401);
    expect((await h.app.request('/api/v1/auth/refresh', json({ refresh_token: r2.refresh_token }))).status).toBe(401);

    // Logout ends the login it belongs to.
    const again = (await (await h.app.request('/api/v1/auth/login', json({ username: 'op', password: PASSWORD }))).json()) as { refresh_token: string };
    expect((await h.app.request('/api/v1/auth/logout', json({ refresh_token: again.refresh_token }))).status).toBe(204);
    expect((await h.app.request('/api/v1/auth/refresh', json({ refresh_token: again.refresh_token }))).status).toBe(401);
  });

  it('refuses tampered, foreign-key, alg:none and non-access tokens with 401', async () => {
    const h = await apiHarness();
    const good = (await h.bearer('admin')).authorization!.slice(7);
    const [head, payload, sig] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const forged = [
      `${head}.${b64({ ...claims, role: 'admin', sub: '999' })}.${sig}`, // payload changed
      `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, // alg none
      `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${sig}`,
      await sign({ ...claims }, 'some other secret', 'HS256'), // signed with another key
      `${head}.${payload}.${sig.slice(0, -2)}xx`,
      'garbage',
    ];
    for (const t of forged) expect((await h.app.request('/api/v1/cameras', { headers: { authorization: `Bearer ${t}` } })).status, t).toBe(401);
    expect((await h.app.request('/api/v1/cameras', { headers: { authorization: `Bearer ${good}` } })).status).toBe(200);
    // A deleted user's token stops working at once.
    const op = await h.bearer('operator');
    h.auth.deleteUser(h.auth.users().find((u) => u.username === 'operator')!.id);
    expect((await h.app.request('/api/v1/cameras', { headers: op })).status).toBe(401);
  });

  it('a login has an absolute lifetime (auth.refresh_absolute_days, 30 by default): refreshing cannot stretch it', async () => {
    const h = await apiHarness();
    await h.auth.createUser('op', PASSWORD, 'operator');
    const start = h.clock.t;
    const day = 86_400_000;
    const login = (await (await h.app.request('/api/v1/auth/login', json({ username: 'op', password: PASSWORD }))).json()) as { refresh_token: string; refresh_expires_at: string };
    expect(Date.parse(login.refresh_expires_at)).toBe(start + 30 * day);
    h.clock.t = start + 20 * day;
    const r1 = await h.app.request('/api/v1/auth/refresh', json({ refresh_token: login.refresh_token }));
    expect(r1.status).toBe(200);
    const t1 = (await r1.json()) as { refresh_token: string; refresh_expires_at: string; access_token: string };
    // Rotated 20 days in: it still ends 30 days after the password was typed, not 30 days after now.
    expect(Date.parse(t1.refresh_expires_at)).toBe(start + 30 * day);
    h.clock.t = start + 30 * day - 60_000;
    const r2 = await h.app.request('/api/v1/auth/refresh', json({ refresh_token: t1.refresh_token }));
    expect(r2.status).toBe(200);
    const t2 = (await r2.json()) as { refresh_token: string; access_token: string };
    const me = (bearer: string) => h.app.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${bearer}` } });
    expect((await me(t2.access_token)).status).toBe(200);
    h.clock.t = start + 30 * day + 1000;
    expect((await h.app.request('/api/v1/auth/refresh', json({ refresh_token: t2.refresh_token }))).status).toBe(401);
    // Its last access token ends with the login, though its own 15 minutes are not over.
    expect((await me(t2.access_token)).status).toBe(401);
    expect((await h.app.request('/api/v1/auth/login', json({ username: 'op', password: PASSWORD }))).status).toBe(200);
  });

  it('logout ends the access token of that login at once; other logins of the user go on', async () => {
    const h = await apiHarness();
    await h.auth.createUser('op', PASSWORD, 'operator');
    const login = async () => (await (await h.app.request('/api/v1/auth/login', json({ username: 'op', password: PASSWORD }))).json()) as { refresh_token: string; access_token: string };
    const a = await login();
    const b = await login();
    const me = (bearer: string) => h.app.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${bearer}` } });
    expect((await me(a.access_token)).status).toBe(200);
    expect((await h.app.request('/api/v1/auth/logout', json({ refresh_token: a.refresh_token }))).status).toBe(204);
    expect((await me(a.access_token)).status).toBe(401);
    expect((await me(b.access_token)).status).toBe(200);
  });

  it('answers 401 with no stack trace and names nothing internal', async () => {
    const h = await apiHarness();
    const res = await h.app.request('/api/v1/cameras');
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'ERR_UNAUTHORIZED' } });
    expect(text).not.toMatch(/at .*\.js|stack/);
  });
});

describe('login rate limit', () => {
  it('after 10 failures a minute for a user: 429 with Retry-After, even with the right password; clears after the minute', async () => {
    const h = await apiHarness();
    await h.auth.createUser('admin', PASSWORD, 'admin');
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await h.app.request('/api/v1/auth/login', json({ username: 'admin', password: `wrong guess ${i}!` }))).status);
    expect(codes).toEqual(Array(10).fill(401));
    const blocked = await h.app.request('/api/v1/auth/login', json({ username: 'admin', password: PASSWORD }));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    h.clock.t += 61_000;
    expect((await h.app.request('/api/v1/auth/login', json({ username: 'admin', password: PASSWORD }))).status).toBe(200);
  });

  it('40 concurrent wrong logins for one user: the attempt is taken before hashing, so at most 10 are checked (401) and the rest refused (429)', async () => {
    const h = await apiHarness();
    await h.auth.createUser('admin', PASSWORD, 'admin');
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => Promise.resolve(h.app.request('/api/v1/auth/login', json({ username: 'admin', password: `parallel guess ${i}` }))).then((r) => r.status)));
    const count = (s: number) => statuses.filter((x) => x === s).length;
    expect(count(401)).toBe(10);
    expect(count(429)).toBe(30);
    // The password checks that did run took turns: never more than the cap hashed at once.
    expect(h.auth.hashes.peak).toBeLessThanOrEqual(2);
    expect(h.auth.hashes.active).toBe(0);
  });

  it('a successful login gives its attempt back: 9 failures and a success leave room for more tries', async () => {
    const h = await apiHarness();
    await h.auth.createUser('admin', PASSWORD, 'admin');
    for (let i = 0; i < 9; i++) expect((await h.app.request('/api/v1/auth/login', json({ username: 'admin', password: `wrong guess ${i}!` }))).status).toBe(401);
    expect((await h.app.request('/api/v1/auth/login', json({ username: 'admin', password: PASSWORD }))).status).toBe(200);
    expect((await h.app.request('/api/v1/auth/login', json({ username: 'admin', password: 'one more typo!' }))).status).toBe(401);
    expect((await h.app.request('/api/v1/auth/login', json({ username: 'admin', password: PASSWORD }))).status).toBe(429);
  });

  it('counts failures per client address across usernames too', async () => {
    const h = await apiHarness();
    await h.auth.createUser('admin', PASSWORD, 'admin');
    for (let i = 0; i < 10; i++) await h.app.request('/api/v1/auth/login', json({ username: `guess${i}`, password: 'wrong password' }));
    expect((await h.app.request('/api/v1/auth/login', json({ username: 'admin', password: PASSWORD }))).status).toBe(429);
  });
});

describe('API keys', () => {
  it('are shown once, stored hashed, scoped, record their last use, and stop working the moment they are revoked', async () => {
    const h = await apiHarness({ reports: { list: async () => [] } as never });
    const admin = await h.bearer('admin');
    const created = await h.app.request('/api/v1/api-keys', json({ name: 'central', scopes: ['reports:read'] }, admin));
    expect(created.status).toBe(201);
    const { key, id } = (await created.json()) as { key: string; id: string };
    expect(key).toMatch(/^vtg_/);
    const list = (await (await h.app.request('/api/v1/api-keys', { headers: admin })).json()) as { api_keys: Array<Record<string, unknown>> };
    expect(list.api_keys).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(key.split('.')[1]);
    expect(list.api_keys[0]!.last_used_at).toBeNull();

    const withKey = { 'x-api-key': key };
    expect((await h.app.request('/api/v1/reports', { headers: withKey })).status).toBe(200);
    expect((await h.app.request('/api/v1/cameras', { headers: withKey })).status).toBe(403); // scope
    expect((await h.app.request('/api/v1/cameras', json({ id: 'x', source: '/x.mp4' }, withKey))).status).toBe(403);
    expect((await h.app.request('/api/v1/reports', { headers: { 'x-api-key': `${key}x` } })).status).toBe(401);
    const after = (await (await h.app.request('/api/v1/api-keys', { headers: admin })).json()) as { api_keys: Array<{ last_used_at: string | null }> };
    expect(after.api_keys[0]!.last_used_at).toBe(new Date(h.clock.t).toISOString());

    expect((await h.app.request(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await h.app.request('/api/v1/reports', { headers: withKey })).status).toBe(401);
    expect((await h.app.request(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: admin })).status).toBe(404);
  });
});

describe('dashboard cookies', () => {
  it('sets HttpOnly SameSite=Strict cookies; cookie writes need the CSRF header; refresh works from the cookie', async () => {
    const h = await apiHarness();
    await h.auth.createUser('admin', PASSWORD, 'admin');
    const res = await h.app.request('/api/v1/auth/login', json({ username: 'admin', password: PASSWORD, use_cookies: true }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.access_token).toBeUndefined(); // the page never sees the tokens
    const set = res.headers.getSetCookie();
    const access = set.find((c) => c.startsWith('vantage_access='))!;
    const refresh = set.find((c) => c.startsWith('vantage_refresh='))!;
    const csrf = set.find((c) => c.startsWith('vantage_csrf='))!;
    expect(access).toMatch(/HttpOnly/);
    expect(access).toMatch(/SameSite=Strict/);
    expect(refresh).toMatch(/HttpOnly/);
    expect(refresh).toMatch(/Path=\/api\/v1\/auth/);
    expect(csrf).not.toMatch(/HttpOnly/);
    const jar = set.map((c) => c.split(';')[0]).join('; ');
    const csrfValue = csrf.split(';')[0]!.split('=')[1]!;

    expect((await h.app.request('/api/v1/cameras', { headers: { cookie: jar } })).status).toBe(200);
    const put = (headers: Record<string, string>) => h.app.request('/api/v1/settings', { method: 'PUT', headers: { 'content-type': 'application/json', cookie: jar, ...headers }, body: JSON.stringify({ site_name: 'Depot' }) });
    expect((await put({})).status).toBe(403);
    expect((await put({ 'x-csrf-token': 'guess' })).status).toBe(403);
    const ok = await put({ 'x-csrf-token': csrfValue });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ site_name: 'Depot', language: 'en' });

    expect((await h.app.request('/api/v1/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar }, body: '{}' })).status).toBe(403);
    const refreshed = await h.app.request('/api/v1/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json', cookie: jar, 'x-csrf-token': csrfValue }, body: '{}' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.getSetCookie().some((c) => c.startsWith('vantage_access='))).toBe(true);
  });
});

describe('users', () => {
  it('admins add, change and delete users; the last admin stays; a new password signs the user out', async () => {
    const h = await apiHarness();
    const admin = await h.bearer('admin');
    const add = await h.app.request('/api/v1/users', json({ username: 'val', password: PASSWORD, role: 'viewer' }, admin));
    expect(add.status).toBe(201);
    const { id } = (await add.json()) as { id: number };
    expect((await h.app.request('/api/v1/users', json({ username: 'val', password: PASSWORD, role: 'viewer' }, admin))).status).toBe(409);
    expect((await h.app.request('/api/v1/users', json({ username: 'bad name!', password: PASSWORD, role: 'boss' }, admin))).status).toBe(400);
    const patch = await h.app.request(`/api/v1/users/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...admin }, body: JSON.stringify({ role: 'operator' }) });
    expect(await patch.json()).toMatchObject({ username: 'val', role: 'operator' });
    const adminId = h.auth.users().find((u) => u.username === 'admin')!.id;
    const demote = await h.app.request(`/api/v1/users/${adminId}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...admin }, body: JSON.stringify({ role: 'viewer' }) });
    expect(demote.status).toBe(409);
    const val = (await (await h.app.request('/api/v1/auth/login', json({ username: 'val', password: PASSWORD }))).json()) as { refresh_token: string };
    await h.app.request(`/api/v1/users/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...admin }, body: JSON.stringify({ password: 'another long passphrase' }) });
    expect((await h.app.request('/api/v1/auth/refresh', json({ refresh_token: val.refresh_token }))).status).toBe(401);
    expect((await h.app.request(`/api/v1/users/${id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
    expect((await h.app.request(`/api/v1/users/${id}`, { headers: admin })).status).toBe(404);
    expect((await h.app.request('/api/v1/users/..%2F..%2Fetc', { headers: admin })).status).toBe(400);
    expect((await h.app.request("/api/v1/users/1%20OR%201=1", { headers: admin })).status).toBe(400);
  });
});

describe('changing your own password', () => {
  it('needs the current password, checks the policy, signs out other logins, and is refused to API keys', async () => {
    const h = await apiHarness();
    const op = await h.bearer('operator');
    const other = (await (await h.app.request('/api/v1/auth/login', json({ username: 'operator', password: PASSWORD }))).json()) as { refresh_token: string };
    const change = (b: unknown, headers: Record<string, string>) => h.app.request('/api/v1/auth/password', json(b, headers));
    const wrong = await change({ current_password: 'not it at all', new_password: 'a brand new passphrase' }, op);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { fields: Array<{ field: string }> } }).error.fields[0]!.field).toBe('current_password');
    expect((await change({ current_password: PASSWORD, new_password: 'short' }, op)).status).toBe(400);
    const ok = await change({ current_password: PASSWORD, new_password: 'a brand new passphrase' }, op);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { access_token: string }).access_token).toBeTruthy();
    expect((await h.app.request('/api/v1/auth/refresh', json({ refresh_token: other.refresh_token }))).status).toBe(401);
    expect((await h.app.request('/api/v1/auth/login', json({ username: 'operator', password: 'a brand new passphrase' }))).status).toBe(200);
    const admin = await h.bearer('admin');
    const { key } = (await (await h.app.request('/api/v1/api-keys', json({ name: 'k', scopes: ['admin'] }, admin))).json()) as { key: string };
    expect((await change({ current_password: 'x', new_password: 'a brand new passphrase' }, { 'x-api-key': key })).status).toBe(403);
  });

  it('ends the access tokens of the other logins at once; the login that changed it goes on', async () => {
    const h = await apiHarness();
    const op = await h.bearer('operator');
    const other = (await (await h.app.request('/api/v1/auth/login', json({ username: 'operator', password: PASSWORD }))).json()) as { access_token: string };
    const me = (headers: Record<string, string>) => h.app.request('/api/v1/auth/me', { headers });
    expect((await h.app.request('/api/v1/auth/password', json({ current_password: PASSWORD, new_password: 'a brand new passphrase' }, op))).status).toBe(200);
    expect((await me(op)).status).toBe(200);
    expect((await me({ authorization: `Bearer ${other.access_token}` })).status).toBe(401);
  });
});

