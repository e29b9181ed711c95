import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sign, verify } from 'hono/jwt';
import type { Clock } from '../clock.js';
import { VantageError } from '../errors.js';
import type { ApiKeyRow, AuthStore, UserRow } from '../store/auth-store.js';
import type { KeyValue } from '../store/key-value.js';
import { Semaphore } from '../util/semaphore.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { allows, type Access, type Principal, type Role, type Scope } from './roles.js';

export const ACCESS_TTL_MS = 15 * 60_000;
export const REFRESH_TTL_MS = 30 * 86_400_000;
export const TICKET_TTL_MS = 30_000;
export const DEFAULT_REFRESH_ABSOLUTE_MS = 30 * 86_400_000;
const SECRET_KEY = 'auth.jwt_secret';
const KEY_PREFIX = 'vtg_';

export interface AuthOptions {
  /** A login's refresh tokens stop working this long after the password was entered, however often they rotate. */
  refreshAbsoluteMs?: number;
  /** Password hashes computed at once (argon2 takes ~20 MiB and tens of ms of CPU each); more wait. */
  maxConcurrentHashes?: number;
}

export interface IssuedTokens {
  access_token: string;
  access_expires_at: string;
  refresh_token: string;
  refresh_expires_at: string;
  token_type: 'Bearer';
}

export interface UserView {
  id: number;
  username: string;
  role: Role;
  created_at: string;
  last_login_at: string | null;
}

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: Scope[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const token = (bytes: number) => randomBytes(bytes).toString('base64url');
/** A new login's family id: when it began (base 36 ms, for the absolute lifetime) and a random part. */
const newFamily = (now: number) => `${now.toString(36)}.${token(9)}`;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const userView = (u: UserRow): UserView => ({ id: u.id, username: u.username, role: u.role, created_at: iso(u.created_at)!, last_login_at: iso(u.last_login_at) });
const keyView = (k: ApiKeyRow): ApiKeyView => ({ id: k.id, name: k.name, scopes: k.scopes, created_at: iso(k.created_at)!, last_used_at: iso(k.last_used_at), revoked_at: iso(k.revoked_at) });

/**
 * Users, sessions and keys. Access tokens are 15-minute HS256 JWTs signed with a per-box secret kept in
 * the database; refresh tokens are opaque, stored hashed, single-use and grouped in families so a
 * replayed one revokes every token descended from the same login. API keys are random, stored hashed,
 * and checked on every request so revocation is immediate. An access token names its login (`sid`,
 * the refresh family): it stops working when that login ends (logout, a replay, a new password, the
 * absolute lifetime), not only when it expires. Whoever holds open connections (live sockets, live
 * video) hears of every change that can take access away (`onAccessChange`) and checks its principals
 * again with `holds`.
 */
export class AuthService {
  private readonly secret: string;
  private readonly tickets = new Map<string, { principal: Principal; expires: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly refreshAbsoluteMs: number;
  /** Every argon2 hash and verification passes through here, so guesses cannot take every core from detection. */
  readonly hashes: Semaphore;

  constructor(
    private readonly store: AuthStore,
    kv: KeyValue,
    private readonly clock: Clock,
    opts: AuthOptions = {},
  ) {
    this.refreshAbsoluteMs = opts.refreshAbsoluteMs ?? DEFAULT_REFRESH_ABSOLUTE_MS;
    this.hashes = new Semaphore(opts.maxConcurrentHashes ?? 2);
    let s = kv.setting(SECRET_KEY);
    if (!s) {
      s = token(48);
      kv.putSetting(SECRET_KEY, s, clock.now());
    }
    this.secret = s;
  }

  needsSetup(): boolean {
    return this.store.userCount() === 0;
  }

  /** Adds a user after checking the password policy; ERR_CONFLICT if the name is taken. */
  async createUser(username: string, password: string, role: Role, opts: { onlyIfFirst?: boolean } = {}): Promise<UserView> {
    const problem = passwordProblem(password, username);
    if (problem) throw new VantageError('ERR_BAD_REQUEST', `password ${problem}`, { field: 'password' });
    if (this.store.userByName(username)) throw new VantageError('ERR_CONFLICT', `user "${username}" exists`);
    const passwordHash = await this.hashes.run(() => hashPassword(password));
    const row = this.store.insertUser({ username, passwordHash, role, now: this.clock.now() }, opts.onlyIfFirst);
    if (!row) throw new VantageError('ERR_CONFLICT', 'setup is done: an admin exists; log in instead');
    return userView(row);
  }

  /** The user if the password matches; the same time is spent when the user does not exist. */
  async checkPassword(username: string, password: string): Promise<UserRow | undefined> {
    const user = this.store.userByName(username);
    const ok = await this.hashes.run(() => verifyPassword(user?.password_hash, password));
    return ok ? user : undefined;
  }

  /** Fresh tokens for a user who proved their password: a new login, or more tokens of `session` while it is active. */
  async login(user: UserRow, session?: string): Promise<IssuedTokens> {
    const now = this.clock.now();
    this.store.touchLogin(user.id, now);
    return this.issue(user, session !== undefined && this.store.familyActive(session, now) ? session : newFamily(now));
  }

  /** Rotates a refresh token. A spent or revoked one is refused, and a spent one revokes its family. */
  async refresh(refreshToken: string): Promise<IssuedTokens | undefined> {
    const now = this.clock.now();
    const [id, secret] = refreshToken.split('.');
    if (!id || !secret) return undefined;
    const row = this.store.refresh(id);
    if (!row || !sameHash(row.hash, sha256(secret))) return undefined;
    if (row.revoked_at !== null || row.expires_at <= now) return undefined;
    if (this.familyStart(row.family) + this.refreshAbsoluteMs <= now) return undefined; // the login is too old: sign in again
    if (row.used_at !== null || !this.store.spendRefresh(id, now)) {
      this.store.revokeFamily(row.family, now); // replay: whoever holds the family's tokens loses them
      this.changed();
      return undefined;
    }
    const user = this.store.user(row.user_id);
    if (!user) return undefined;
    return this.issue(user, row.family);
  }

  /** Ends the login the refresh token belongs to. */
  logout(refreshToken: string): void {
    const row = this.store.refresh(refreshToken.split('.')[0] ?? '');
    if (row && sameHash(row.hash, sha256(refreshToken.split('.')[1] ?? ''))) {
      this.store.revokeFamily(row.family, this.clock.now());
      this.changed();
    }
  }

  /** The user an access token belongs to, as stored now (so role changes and deletions apply at once). */
  async verifyAccess(jwt: string, via: 'bearer' | 'cookie'): Promise<Principal | undefined> {
    try {
      const p = await verify(jwt, this.secret, { alg: 'HS256', exp: false, nbf: false, iat: false });
      if (p.typ !== 'access' || typeof p.exp !== 'number' || p.exp * 1000 <= this.clock.now()) return undefined;
      const session = typeof p.sid === 'string' ? p.sid : undefined;
      if (session !== undefined && !this.store.familyActive(session, this.clock.now())) return undefined;
      const user = this.store.user(Number(p.sub));
      return user && { kind: 'user', id: String(user.id), name: user.username, role: user.role, via, ...(session ? { session } : {}) };
    } catch {
      return undefined;
    }
  }

  async createKey(name: string, scopes: readonly Scope[], createdBy: number | null): Promise<ApiKeyView & { key: string }> {
    const id = token(9);
    const secret = token(32);
    this.store.insertKey({ id, name, hash: sha256(secret), scopes: [...new Set(scopes)], createdBy, now: this.clock.now() });
    return { ...keyView(this.store.key(id)!), key: `${KEY_PREFIX}${id}.${secret}` };
  }

  listKeys(): ApiKeyView[] {
    return this.store.keys().map(keyView);
  }

  revokeKey(id: string): boolean {
    const revoked = this.store.revokeKey(id, this.clock.now());
    if (revoked) this.changed();
    return revoked;
  }

  verifyKey(key: string): Principal | undefined {
    if (!key.startsWith(KEY_PREFIX)) return undefined;
    const [id, secret] = key.slice(KEY_PREFIX.length).split('.');
    if (!id || !secret) return undefined;
    const row = this.store.key(id);
    if (!row || row.revoked_at !== null || !sameHash(row.hash, sha256(secret))) return undefined;
    const now = this.clock.now();
    if (row.last_used_at === null || now - row.last_used_at > 60_000) this.store.touchKey(id, now);
    return { kind: 'key', id: row.id, name: row.name, scopes: row.scopes, via: 'api-key' };
  }

  users(): UserView[] {
    return this.store.users().map(userView);
  }

  user(id: number): UserView | undefined {
    const u = this.store.user(id);
    return u && userView(u);
  }

  /**
   * Changes a role or password; the last admin cannot be demoted. A new password ends the user's logins,
   * but `keepSession` (the login changing its own password) when given.
   */
  async updateUser(id: number, patch: { role?: Role | undefined; password?: string | undefined }, keepSession?: string): Promise<UserView> {
    const u = this.store.user(id);
    if (!u) throw new VantageError('ERR_NOT_FOUND', `no user ${id}`);
    if (patch.role && patch.role !== 'admin' && u.role === 'admin' && this.store.adminCount() === 1) {
      throw new VantageError('ERR_CONFLICT', 'the last admin cannot be demoted');
    }
    let passwordHash: string | undefined;
    if (patch.password !== undefined) {
      const problem = passwordProblem(patch.password, u.username);
      if (problem) throw new VantageError('ERR_BAD_REQUEST', `password ${problem}`, { field: 'password' });
      passwordHash = await this.hashes.run(() => hashPassword(patch.password!));
    }
    const now = this.clock.now();
    this.store.updateUser(id, { ...(patch.role ? { role: patch.role } : {}), ...(passwordHash ? { passwordHash } : {}) }, now);
    if (passwordHash) this.store.revokeUserTokens(id, now, keepSession);
    if (passwordHash || (patch.role && patch.role !== u.role)) this.changed();
    return userView(this.store.user(id)!);
  }

  deleteUser(id: number): void {
    const u = this.store.user(id);
    if (!u) throw new VantageError('ERR_NOT_FOUND', `no user ${id}`);
    if (u.role === 'admin' && this.store.adminCount() === 1) throw new VantageError('ERR_CONFLICT', 'the last admin cannot be deleted');
    this.store.deleteUser(id);
    this.changed();
  }

  /** Calls `listener` after every change that can take access away from someone: logout, revocation, deletion, a new role or password. */
  onAccessChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Whether a principal that was let in earlier still may do `need` now: its key is not revoked, its
   * user exists with the same role, and its login has not ended. A changed role counts as lost access
   * (the holder reconnects and is judged by the new one).
   */
  holds(p: Principal, need: Access): boolean {
    if (p.kind === 'key') {
      const row = this.store.key(p.id);
      return row !== undefined && row.revoked_at === null && allows({ ...p, scopes: row.scopes }, need);
    }
    const user = this.store.user(Number(p.id));
    if (!user || user.role !== p.role) return false;
    if (p.session !== undefined && !this.store.familyActive(p.session, this.clock.now())) return false;
    return allows(p, need);
  }

  /** A single-use, 30-second ticket for opening the live WebSocket where a header cannot be sent. */
  issueTicket(principal: Principal): { ticket: string; expires_at: string } {
    const now = this.clock.now();
    for (const [t, v] of this.tickets) if (v.expires <= now) this.tickets.delete(t);
    const t = token(24);
    this.tickets.set(t, { principal: { ...principal, via: 'ticket' }, expires: now + TICKET_TTL_MS });
    return { ticket: t, expires_at: new Date(now + TICKET_TTL_MS).toISOString() };
  }

  consumeTicket(ticket: string): Principal | undefined {
    const v = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return v && v.expires > this.clock.now() ? v.principal : undefined;
  }

  prune(): void {
    this.store.pruneRefresh(this.clock.now());
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** When a login (refresh family) began: written into its id; older ids fall back to their first stored token. */
  private familyStart(family: string): number {
    const m = /^([0-9a-z]{1,11})\./.exec(family);
    return m ? parseInt(m[1]!, 36) : (this.store.familyStart(family) ?? this.clock.now());
  }

  private async issue(user: UserRow, family: string): Promise<IssuedTokens> {
    const now = this.clock.now();
    const end = this.familyStart(family) + this.refreshAbsoluteMs;
    const exp = now + ACCESS_TTL_MS;
    const access = await sign({ sub: String(user.id), sid: family, role: user.role, typ: 'access', iat: Math.floor(now / 1000), exp: Math.floor(exp / 1000) }, this.secret, 'HS256');
    const id = token(12);
    const secret = token(32);
    const expiresAt = Math.min(now + REFRESH_TTL_MS, end);
    this.store.insertRefresh({ id, userId: user.id, family, hash: sha256(secret), now, expiresAt });
    return {
      access_token: access,
      access_expires_at: new Date(Math.floor(exp / 1000) * 1000).toISOString(),
      refresh_token: `${id}.${secret}`,
      refresh_expires_at: new Date(expiresAt).toISOString(),
      token_type: 'Bearer',
    };
  }
}
