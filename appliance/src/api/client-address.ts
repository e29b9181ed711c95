import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { isIP } from 'node:net';
import { addressMatcher } from '../util/address-list.js';

/** The address a request comes from, as the per-client limits see it. */
export type ClientAddress = (c: Context) => string;

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // app.request() in tests has no socket
  }
}

/**
 * The caller's address: the socket's peer, or, when that peer is a trusted proxy, the last address in
 * X-Forwarded-For that is not itself a trusted proxy (each proxy appends the address it saw, so the
 * entries to the left of an untrusted one could have been written by the client and are ignored).
 * 'unknown' when there is no socket.
 */
export function clientAddressResolver(trustedProxies: readonly string[]): ClientAddress {
  const isTrusted = addressMatcher(trustedProxies);
  return (c) => {
    const peer = socketAddress(c);
    if (peer === undefined) return 'unknown';
    if (!trustedProxies.length || !isTrusted(peer)) return peer;
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (!isIP(hop)) return peer; // a malformed chain: count the proxy itself
      if (!isTrusted(hop)) return hop;
    }
    return peer;
  };
}
