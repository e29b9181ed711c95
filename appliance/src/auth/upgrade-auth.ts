import type { IncomingMessage } from 'node:http';
import { parse } from 'hono/utils/cookie';
import type { AuthService } from './auth-service.js';
import type { Principal } from './roles.js';

const ACCESS_COOKIE = 'vantage_access';

/**
 * Who opens a WebSocket: a single-use `?ticket=`, an X-API-Key or bearer header (scripts), or the
 * dashboard's access cookie. A cookie only counts when the page's Origin is this server, so another
 * site cannot open the socket with the operator's cookie (cross-site WebSocket hijacking).
 */
export async function principalOfUpgrade(req: IncomingMessage, auth: AuthService): Promise<Principal | undefined> {
  const url = new URL(req.url ?? '/', 'http://x');
  const ticket = url.searchParams.get('ticket');
  if (ticket) return auth.consumeTicket(ticket);
  const key = req.headers['x-api-key'];
  if (typeof key === 'string') return auth.verifyKey(key);
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (bearer) return auth.verifyAccess(bearer[1]!, 'bearer');
  const cookie = parse(req.headers.cookie ?? '', ACCESS_COOKIE)[ACCESS_COOKIE];
  if (!cookie) return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return undefined;
    }
    if (host !== req.headers.host) return undefined;
  }
  return auth.verifyAccess(cookie, 'cookie');
}
