import type { MiddlewareHandler } from 'hono';
import type { ClientAddress } from './client-address.js';

/**
 * A per-client fixed-window request limit for the whole API, answered with 429 and Retry-After.
 * Memory stays bounded: windows are dropped when they end.
 */
export function rateLimit(opts: { perMinute: number; clientAddress: ClientAddress; now?: () => number }): MiddlewareHandler {
  const now = opts.now ?? Date.now;
  let windowStart = 0;
  let counts = new Map<string, number>();
  return async (c, next) => {
    if (opts.perMinute <= 0) return next();
    const t = now();
    if (t - windowStart >= 60_000) {
      windowStart = t - (t % 60_000);
      counts = new Map();
    }
    const client = opts.clientAddress(c);
    const n = (counts.get(client) ?? 0) + 1;
    counts.set(client, n);
    if (n > opts.perMinute) {
      const retry = Math.max(1, Math.ceil((windowStart + 60_000 - t) / 1000));
      return c.json({ error: { code: 'ERR_RATE_LIMITED', message: `more than ${opts.perMinute} requests a minute; retry in ${retry} s` } }, 429, { 'Retry-After': String(retry) });
    }
    return next();
  };
}
