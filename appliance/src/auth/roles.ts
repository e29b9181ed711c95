/** Who may do what: user roles, API key scopes, and the access level each route asks for. */

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['cameras:read', 'reports:read', 'events:read', 'analysis:run', 'admin', 'recordings:read'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What a route needs. `any` is any signed-in user or key (who-am-I). The three reads are what viewers (and keys with that scope) may do; `operate`
 * is changing cameras, zones, sessions and alerts (operators and admins); `analysis:run` is starting
 * analyses and generating reports (operators and admins, and keys with that scope: a backend that
 * uses the appliance as its video-analysis service); `admin` is users, keys and settings.
 */
export type Access = 'any' | 'cameras:read' | 'reports:read' | 'events:read' | 'analysis:run' | 'operate' | 'admin' | 'recordings:read';

export interface Principal {
  kind: 'user' | 'key';
  /** User id or key id. */
  id: string;
  name: string;
  /** Users only. */
  role?: Role;
  /** Keys only. */
  scopes?: readonly Scope[];
  /** How the request proved it: cookie-authenticated writes must also pass the CSRF check. */
  via: 'bearer' | 'cookie' | 'api-key' | 'ticket';
  /** Users signed in with a token: the login (refresh family) it belongs to; access ends with it. */
  session?: string;
}

// recordings:read (issue 17): watching recordings, clips and thumbnails; viewers may.
const READS: ReadonlySet<Access> = new Set(['cameras:read', 'reports:read', 'events:read', 'recordings:read']);
/** Levels a key's scope of the same name grants (besides `admin`, which grants everything). */
const KEY_SCOPED: ReadonlySet<Access> = new Set([...READS, 'analysis:run']);

export function allows(p: Principal, need: Access): boolean {
  if (need === 'any') return true;
  if (p.kind === 'key') return p.scopes!.includes('admin') || (KEY_SCOPED.has(need) && p.scopes!.includes(need as Scope));
  switch (p.role) {
    case 'admin':
      return true;
    case 'operator':
      return need !== 'admin';
    case 'viewer':
      return READS.has(need);
    default:
      return false;
  }
}
