import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ACCESS_TTL_MS, REFRESH_TTL_MS, type AuthService, type IssuedTokens } from '../auth/auth-service.js';
import type { LoginLimiter } from '../auth/login-limiter.js';
import { access, ACCESS_COOKIE, checkCsrf, CSRF_COOKIE, principal, REFRESH_COOKIE, type ApiEnv } from './access.js';
import { ApiError } from './errors.js';
import { validate } from './validate.js';
import type { ClientAddress } from './client-address.js';
import type { SetupCode } from '../auth/setup-code.js';

export const usernameSchema = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only');
const passwordField = z.string().max(256);

const credentials = z.strictObject({
  username: usernameSchema,
  password: passwordField,
  /** The dashboard asks for HttpOnly cookies instead of tokens in the body. */
  use_cookies: z.boolean().default(false),
});
const setupBody = credentials.extend({
  /** The one-time code from the daemon's log or `vantage setup-code`. */
  setup_code: z.string().max(64).optional(),
});
const refreshBody = z.strictObject({ refresh_token: z.string().max(200).optional(), use_cookies: z.boolean().default(false) });

export interface AuthRouteOptions {
  auth: AuthService;
  limiter: LoginLimiter;
  clientAddress: ClientAddress;
  setupCode: SetupCode;
  /** Set the Secure flag on cookies (when the dashboard is served over HTTPS). */
  secureCookies: boolean;
}

/** First-run setup, login, token refresh with rotation, logout and who-am-I. */
export function authRoutes(o: AuthRouteOptions) {
  const cookieBase = { httpOnly: true, sameSite: 'Strict', secure: o.secureCookies } as const;
  const respond = (c: Context, tokens: IssuedTokens, cookies: boolean, extra: Record<string, unknown> = {}) => {
    if (!cookies) return c.json({ ...tokens, ...extra });
    setCookie(c, ACCESS_COOKIE, tokens.access_token, { ...cookieBase, path: '/', maxAge: ACCESS_TTL_MS / 1000 });
    setCookie(c, REFRESH_COOKIE, tokens.refresh_token, { ...cookieBase, path: '/api/v1/auth', maxAge: REFRESH_TTL_MS / 1000 });
    // Readable by the page, which echoes it in a header on writes (double-submit CSRF check).
    setCookie(c, CSRF_COOKIE, randomBytes(18).toString('base64url'), { ...cookieBase, httpOnly: false, path: '/', maxAge: REFRESH_TTL_MS / 1000 });
    return c.json({ access_expires_at: tokens.access_expires_at, refresh_expires_at: tokens.refresh_expires_at, ...extra });
  };
  /**
   * Takes a password attempt from the caller's address before any hashing (429 when its minute is used
   * up). Limits are per address and per username at that address, so a stranger failing on purpose
   * cannot lock the real user out from elsewhere.
   */
  const reserve = (c: Context, username: string): { refused: Response } | { refused?: undefined; succeeded(): void } => {
    const address = o.clientAddress(c);
    const r = o.limiter.reserve([`ip:${address}`, `user:${username.toLowerCase()}@${address}`]);
    if ('succeeded' in r) return r;
    const error = { code: 'ERR_RATE_LIMITED', message: `too many failed attempts from this address; retry in ${r.wait} s`, fields: [{ field: 'password', message: 'too many failed attempts' }] };
    return { refused: c.json({ error }, 429, { 'Retry-After': String(r.wait) }) };
  };
  const clearCookies = (c: Context) => {
    deleteCookie(c, ACCESS_COOKIE, { path: '/' });
    deleteCookie(c, REFRESH_COOKIE, { path: '/api/v1/auth' });
    deleteCookie(c, CSRF_COOKIE, { path: '/' });
  };
  /** The refresh token from the body, or from the cookie (then the CSRF header must match). */
  const refreshTokenOf = (c: Context, body: z.infer<typeof refreshBody>): string | undefined => {
    if (body.refresh_token) return body.refresh_token;
    const cookie = getCookie(c, REFRESH_COOKIE);
    if (cookie) checkCsrf(c);
    return cookie;
  };

  return new Hono<ApiEnv>()
    .get('/status', (c) => {
      const required = o.auth.needsSetup();
      // Where to find the setup code, while there is one (the code itself never leaves the box this way).
      return c.json({ setup_required: required, ...(required ? { setup_code_file: o.setupCode.file } : {}) });
    })
    .post('/setup', validate('json', setupBody), async (c) => {
      const body = c.req.valid('json');
      if (!o.auth.needsSetup()) throw new ApiError(409, 'ERR_CONFLICT', 'setup is done: an admin exists; log in instead');
      const attempt = reserve(c, body.username);
      if (attempt.refused) return attempt.refused;
      if (!body.setup_code || !o.setupCode.check(body.setup_code)) {
        const where = `printed in the daemon's log${o.setupCode.file ? ` and written to ${o.setupCode.file}` : ''}; \`vantage setup-code\` shows it`;
        throw new ApiError(403, 'ERR_FORBIDDEN', `${body.setup_code ? 'wrong setup code' : 'the setup code is required'}: it is ${where}`, [{ field: 'setup_code', message: body.setup_code ? 'wrong' : 'required' }]);
      }
      attempt.succeeded();
      const user = await o.auth.createUser(body.username, body.password, 'admin', { onlyIfFirst: true });
      o.setupCode.done();
      c.status(201);
      return respond(c, await o.auth.login((await o.auth.checkPassword(body.username, body.password))!), body.use_cookies, { user });
    })
    .post('/login', validate('json', credentials), async (c) => {
      const body = c.req.valid('json');
      const attempt = reserve(c, body.username);
      if (attempt.refused) return attempt.refused;
      const user = await o.auth.checkPassword(body.username, body.password);
      if (!user) throw new ApiError(401, 'ERR_UNAUTHORIZED', 'wrong username or password');
      attempt.succeeded();
      return respond(c, await o.auth.login(user), body.use_cookies, { user: o.auth.user(user.id) });
    })
    .post('/refresh', validate('json', refreshBody), async (c) => {
      const body = c.req.valid('json');
      const token = refreshTokenOf(c, body);
      const tokens = token ? await o.auth.refresh(token) : undefined;
      if (!tokens) {
        if (!body.refresh_token) clearCookies(c);
        throw new ApiError(401, 'ERR_UNAUTHORIZED', 'refresh token invalid, expired or already used; log in again', [{ field: 'refresh_token', message: 'invalid' }]);
      }
      return respond(c, tokens, body.use_cookies || !body.refresh_token);
    })
    .post('/logout', validate('json', refreshBody), (c) => {
      const token = refreshTokenOf(c, c.req.valid('json'));
      if (token) o.auth.logout(token);
      clearCookies(c);
      return c.body(null, 204);
    })
    .post('/password', access('any'), validate('json', z.strictObject({ current_password: passwordField, new_password: passwordField })), async (c) => {
      const p = principal(c);
      if (p.kind !== 'user') throw new ApiError(403, 'ERR_FORBIDDEN', 'API keys have no password');
      const b = c.req.valid('json');
      const attempt = reserve(c, p.name);
      if (attempt.refused) return attempt.refused;
      if (!(await o.auth.checkPassword(p.name, b.current_password))) {
        throw new ApiError(400, 'ERR_BAD_REQUEST', 'the current password is wrong', [{ field: 'current_password', message: 'wrong' }]);
      }
      attempt.succeeded();
      // A new password ends every other login of the user (other devices); this one goes on, with fresh tokens.
      const user = await o.auth.updateUser(Number(p.id), { password: b.new_password }, p.session);
      const row = (await o.auth.checkPassword(user.username, b.new_password))!;
      return respond(c, await o.auth.login(row, p.session), p.via === 'cookie', { user });
    })
    .get('/me', access('any'), (c) => {
      const p = principal(c);
      if (p.kind === 'key') return c.json({ kind: 'key', id: p.id, name: p.name, scopes: p.scopes });
      return c.json({ kind: 'user', ...o.auth.user(Number(p.id))! });
    });
}
