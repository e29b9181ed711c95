import createClient from 'openapi-fetch';
import type { paths } from './schema.gen';

/** A path of the API as the OpenAPI document names it (`/api/v1/cameras/{id}`). */
export type ApiPath = keyof paths;

const CSRF_COOKIE = 'vantage_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The double-submit CSRF token the daemon set at login (readable by the page, sent on writes). */
export function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === CSRF_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** Whether this browser holds a login (the CSRF cookie lives as long as the refresh token). */
export function hasSession(): boolean {
  return csrfToken() !== undefined;
}

/**
 * `/api/v1/cameras/{id}/snapshot.jpg` + `{ id }` + query → a same-origin URL, for what cannot go
 * through fetch: <img src>, <a href>, WebSockets.
 */
export function href(path: ApiPath, params: { path?: Record<string, string>; query?: Record<string, string | number | boolean | undefined> } = {}): string {
  const p = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = params.path?.[name];
    if (v === undefined) throw new Error(`href: missing path parameter ${name} of ${path}`);
    return encodeURIComponent(v);
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params.query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${p}?${s}` : p;
}

/** The same-origin WebSocket URL of an API path (`/api/v1/live` is the daemon's upgrade-only route). */
export function wsUrl(path: ApiPath | '/api/v1/live', params: { path?: Record<string, string> } = {}): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}${path === '/api/v1/live' ? path : href(path, params)}`;
}

const expiredListeners = new Set<() => void>();

/** Called when the login is gone (refresh refused): the app shows the login page. */
export function onSessionExpired(fn: () => void): () => void {
  expiredListeners.add(fn);
  return () => expiredListeners.delete(fn);
}

let refreshing: Promise<boolean> | undefined;

/** Trades the refresh cookie for new cookies, once at a time however many requests got a 401. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await fetch(href('/api/v1/auth/refresh'), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken() ?? '' },
        body: '{}',
      });
      return res.ok;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

const NO_RETRY = /\/api\/v1\/auth\/(status|setup|login|refresh|logout)$/;

/**
 * fetch for the API: sends the CSRF header on writes; on a 401 refreshes the login once and repeats
 * the request; when that fails too, tells the app the session is over.
 */
export async function apiFetch(input: Request): Promise<Response> {
  const path = new URL(input.url).pathname;
  if (!SAFE.has(input.method)) input.headers.set('x-csrf-token', csrfToken() ?? '');
  const retry = NO_RETRY.test(path) ? undefined : input.clone();
  const res = await fetch(input);
  if (res.status !== 401 || !retry) return res;
  if (!(await refreshSession())) {
    for (const fn of expiredListeners) fn();
    return res;
  }
  // The refresh rotated the CSRF cookie too.
  if (!SAFE.has(retry.method)) retry.headers.set('x-csrf-token', csrfToken() ?? '');
  return fetch(retry);
}

/** The typed client: paths, parameters and bodies checked against the daemon's OpenAPI document. */
export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin', fetch: apiFetch });

/** An API error as the daemon reports it: `{ error: { code, message, fields? } }`. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Array<{ field: string; message: string }> = [],
  ) {
    super(message);
  }

  static from(status: number, body: unknown): ApiFailure {
    const e = (body as { error?: { code?: string; message?: string; fields?: Array<{ field: string; message: string }> } } | undefined)?.error;
    return new ApiFailure(status, e?.code ?? `HTTP_${status}`, e?.message ?? `HTTP ${status}`, e?.fields ?? []);
  }

  /** "message (field: problem, …)" for showing to a person. */
  describe(): string {
    const f = this.fields.map((x) => `${x.field}: ${x.message}`).join('; ');
    return f ? `${this.message} (${f})` : this.message;
  }
}

/**
 * Awaits an openapi-fetch call and returns its JSON as `T` (the document has no response schemas;
 * see types.ts), or throws an ApiFailure.
 */
export async function call<T>(p: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  if (!response.ok) throw ApiFailure.from(response.status, error);
  return data as T;
}
