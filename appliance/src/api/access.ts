import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AuthService } from '../auth/auth-service.js';
import { allows, type Access, type Principal } from '../auth/roles.js';
import { ApiError } from './errors.js';

export const ACCESS_COOKIE = 'vantage_access';
export const REFRESH_COOKIE = 'vantage_refresh';
export const CSRF_COOKIE = 'vantage_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** The Hono environment of routes that read who is calling. */
export interface ApiEnv {
  Variables: { principal: Principal | undefined };
}

/** Marks an access middleware with the level it requires, so the OpenAPI document can state it. */
export const REQUIRES = Symbol('vantage.requires');

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Paths under /api/v1 anyone may call: first-run setup and getting or ending a session. */
export const PUBLIC_PATHS = new Set(['/api/v1/auth/status', '/api/v1/auth/setup', '/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout']);

/** Who a request comes from: an API key, a bearer token, or the dashboard's cookie, in that order. */
export async function principalOf(c: Context, auth: AuthService): Promise<Principal | undefined> {
  const key = c.req.header('x-api-key');
  if (key !== undefined) return auth.verifyKey(key);
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m ? auth.verifyAccess(m[1]!, 'bearer') : undefined;
  }
  const cookie = getCookie(c, ACCESS_COOKIE);
  return cookie ? auth.verifyAccess(cookie, 'cookie') : undefined;
}

/** Double-submit check for writes authenticated by cookie: the header must echo the CSRF cookie. */
export function checkCsrf(c: Context): void {
  if (SAFE.has(c.req.method)) return;
  const cookie = getCookie(c, CSRF_COOKIE);
  const header = c.req.header(CSRF_HEADER);
  if (!cookie || !header || cookie !== header) {
    throw new ApiError(403, 'ERR_FORBIDDEN', `cookie-authenticated writes need the ${CSRF_HEADER} header echoing the ${CSRF_COOKIE} cookie`);
  }
}

/**
 * Authenticates every /api/v1 request: anything but the public auth paths without valid credentials
 * is 401, and a cookie-authenticated write must pass the CSRF check.
 */
export function authenticate(auth: AuthService): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = await principalOf(c, auth);
    if (!principal && !PUBLIC_PATHS.has(c.req.path)) {
      throw new ApiError(401, 'ERR_UNAUTHORIZED', 'sign in, or send a bearer token or an X-API-Key');
    }
    if (principal?.via === 'cookie' && !PUBLIC_PATHS.has(c.req.path)) checkCsrf(c);
    c.set('principal', principal);
    await next();
  };
}

/** Requires a level of access: 401 when nobody is signed in, 403 when the caller may not. */
export function access(need: Access): MiddlewareHandler<ApiEnv> {
  const mw: MiddlewareHandler<ApiEnv> = async (c, next) => {
    const p = c.get('principal');
    if (!p) throw new ApiError(401, 'ERR_UNAUTHORIZED', 'authentication required');
    if (!allows(p, need)) throw new ApiError(403, 'ERR_FORBIDDEN', `${p.kind === 'key' ? 'this API key' : `role ${p.role}`} may not do this (needs ${need})`);
    await next();
  };
  return Object.assign(mw, { [REQUIRES]: need });
}

/** The signed-in caller; only for routes behind access(). */
export function principal(c: Context<ApiEnv>): Principal {
  return c.get('principal')!;
}
