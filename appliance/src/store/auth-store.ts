import type SQLite from 'better-sqlite3';
import type { Role, Scope } from '../auth/roles.js';

export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

export interface RefreshRow {
  id: string;
  user_id: number;
  family: string;
  hash: string;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  hash: string;
  scopes: Scope[];
  created_by: number | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

type RawKey = Omit<ApiKeyRow, 'scopes'> & { scopes: string };

/** Users, refresh tokens and API keys in SQLite (synchronous; every secret arrives already hashed). */
export class AuthStore {
  constructor(private readonly raw: SQLite.Database) {}

  userCount(): number {
    return (this.raw.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  adminCount(): number {
    return (this.raw.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'").get() as { n: number }).n;
  }

  /** Inserts a user; with `onlyIfEmpty` it does so only while no user exists (first-run setup). */
  insertUser(u: { username: string; passwordHash: string; role: Role; now: number }, onlyIfEmpty = false): UserRow | undefined {
    return this.raw.transaction(() => {
      if (onlyIfEmpty && this.userCount() > 0) return undefined;
      const id = this.raw
        .prepare('INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(u.username, u.passwordHash, u.role, u.now, u.now).lastInsertRowid;
      return this.user(Number(id));
    }).immediate();
  }

  user(id: number): UserRow | undefined {
    return this.raw.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }

  userByName(username: string): UserRow | undefined {
    return this.raw.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  }

  users(): UserRow[] {
    return this.raw.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[];
  }

  updateUser(id: number, patch: { role?: Role; passwordHash?: string }, now: number): void {
    if (patch.role) this.raw.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?').run(patch.role, now, id);
    if (patch.passwordHash) this.raw.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?').run(patch.passwordHash, now, id);
  }

  deleteUser(id: number): boolean {
    return this.raw.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
  }

  touchLogin(id: number, now: number): void {
    this.raw.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(now, id);
  }

  insertRefresh(r: { id: string; userId: number; family: string; hash: string; now: number; expiresAt: number }): void {
    this.raw
      .prepare('INSERT INTO refresh_tokens (id, user_id, family, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.id, r.userId, r.family, r.hash, r.now, r.expiresAt);
  }

  refresh(id: string): RefreshRow | undefined {
    return this.raw.prepare('SELECT * FROM refresh_tokens WHERE id = ?').get(id) as RefreshRow | undefined;
  }

  /** Marks a token spent; false if it already was (a concurrent or replayed use). */
  spendRefresh(id: string, now: number): boolean {
    return this.raw.prepare('UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL').run(now, id).changes === 1;
  }

  /** Whether a login still holds a refresh token that is neither revoked nor expired. */
  familyActive(family: string, now: number): boolean {
    return this.raw.prepare('SELECT 1 FROM refresh_tokens WHERE family = ? AND revoked_at IS NULL AND expires_at > ? LIMIT 1').get(family, now) !== undefined;
  }

  /** When the earliest stored token of a login was made. */
  familyStart(family: string): number | undefined {
    return (this.raw.prepare('SELECT MIN(created_at) AS t FROM refresh_tokens WHERE family = ?').get(family) as { t: number | null }).t ?? undefined;
  }

  revokeFamily(family: string, now: number): void {
    this.raw.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL').run(now, family);
  }

  /** Ends every login of a user, but `except` (a family) when given. */
  revokeUserTokens(userId: number, now: number, except = ''): void {
    this.raw.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND family != ? AND revoked_at IS NULL').run(now, userId, except);
  }

  /** Drops tokens that expired over a day ago. */
  pruneRefresh(now: number): void {
    this.raw.prepare('DELETE FROM refresh_tokens WHERE expires_at < ?').run(now - 86_400_000);
  }

  insertKey(k: { id: string; name: string; hash: string; scopes: readonly Scope[]; createdBy: number | null; now: number }): void {
    this.raw
      .prepare('INSERT INTO api_keys (id, name, hash, scopes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(k.id, k.name, k.hash, JSON.stringify(k.scopes), k.createdBy, k.now);
  }

  key(id: string): ApiKeyRow | undefined {
    const r = this.raw.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as RawKey | undefined;
    return r && { ...r, scopes: JSON.parse(r.scopes) as Scope[] };
  }

  keys(): ApiKeyRow[] {
    return (this.raw.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as RawKey[]).map((r) => ({ ...r, scopes: JSON.parse(r.scopes) as Scope[] }));
  }

  revokeKey(id: string, now: number): boolean {
    return this.raw.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes > 0;
  }

  touchKey(id: string, now: number): void {
    this.raw.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(now, id);
  }
}
