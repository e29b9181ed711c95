import { join } from 'node:path';
import { AuthService } from '../src/auth/auth-service.js';
import type { Role } from '../src/auth/roles.js';
import { createApp } from '../src/api/app.js';
import type { ApiDeps } from '../src/api/types.js';
import { WEB_UI_DIR } from '../src/config/paths.js';
import { silentLogger } from '../src/logger.js';
import { SettingsService } from '../src/settings.js';
import { SetupCode } from '../src/auth/setup-code.js';
import { AuthStore } from '../src/store/auth-store.js';
import { KeyValueStore } from '../src/store/key-value.js';
import { migrateToLatest, openDatabase } from '../src/store/database.js';
import { tempDir } from './helpers.js';

export interface Harness {
  app: ReturnType<typeof createApp>;
  auth: AuthService;
  clock: { t: number; now(): number; monotonic(): number };
  /** The first-run setup code POST /auth/setup needs (the daemon prints it and writes it beside the database). */
  setupCode: string;
  /** A user of that role, signed in: its bearer header. */
  bearer(role: Role, username?: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export const PASSWORD = 'a long test passphrase';

/**
 * The real HTTP app over a real SQLite file and the real auth service, with a clock the test drives.
 * `deps` fills in the parts of the running appliance a test needs (cameras, reports, …).
 */
export async function apiHarness(deps: Partial<ApiDeps> = {}): Promise<Harness> {
  const store = openDatabase(join(tempDir(), 'api.db'));
  await migrateToLatest(store.db);
  const clock = { t: Date.UTC(2026, 10, 23, 12), now: () => clock.t, monotonic: () => clock.t };
  const kv = new KeyValueStore(store.raw);
  const auth = new AuthService(new AuthStore(store.raw), kv, clock);
  const settings = new SettingsService(kv, clock);
  const setupCode = new SetupCode(null);
  const code = setupCode.issue();
  const app = createApp({ version: '1.2.3', webRoot: WEB_UI_DIR, rateLimitPerMinute: 0, secureCookies: false, cameras: () => [], ...deps, auth, settings, clock, setupCode } as ApiDeps, silentLogger());
  return {
    app,
    auth,
    clock,
    setupCode: code,
    async bearer(role, username = role) {
      if (!auth.users().some((u) => u.username === username)) await auth.createUser(username, PASSWORD, role);
      const user = await auth.checkPassword(username, PASSWORD);
      return { authorization: `Bearer ${(await auth.login(user!)).access_token}` };
    },
    close: () => store.close(),
  };
}
