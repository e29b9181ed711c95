import { isIP } from 'node:net';
import { hostname } from 'node:os';

/** The name in a Host header: without its port or IPv6 brackets, lower case, without a trailing dot. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']')) : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

/**
 * Whether a request's Host header names this box (the DNS-rebinding defence: a page on another site
 * that points its own name at this address sends that name). Allowed: IP addresses (a rebinding attack
 * always arrives with a name), localhost, the address the server is bound to, this machine's hostnames,
 * and `http.allowed_hosts`; `*` there turns the check off. A missing Host is refused.
 */
export function hostChecker(opts: { allowed: readonly string[]; boundHost: string; hostnames?: readonly string[] }): (header: string | undefined) => boolean {
  if (opts.allowed.includes('*')) return () => true;
  const own = opts.hostnames ?? [hostname()];
  const names = new Set(['localhost', hostName(opts.boundHost), ...own.flatMap((n) => [n.toLowerCase(), `${n.toLowerCase()}.local`]), ...opts.allowed.map(hostName)]);
  return (header) => {
    if (!header) return false;
    const name = hostName(header);
    return isIP(name) !== 0 || names.has(name);
  };
}

/** What a refused request is told. */
export const HOST_REFUSAL = 'the Host header does not name this box; add the name to http.allowed_hosts';
