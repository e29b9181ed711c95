import type SQLite from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { AuthStore } from '../store/auth-store.js';
import type { KeyValue } from '../store/key-value.js';
import { hostChecker } from './allowed-hosts.js';
import { AuthService } from './auth-service.js';
import { SetupCode, setupCodePath } from './setup-code.js';

/**
 * The daemon's side of signing in, made at start: the auth service with the configured limits, the
 * first-run setup code (a new one, printed in the log and written beside the database, while no admin
 * exists), and the Host check every request and upgrade passes.
 */
export function daemonAuth(raw: SQLite.Database, kv: KeyValue, config: Readonly<Config>, clock: Clock, log: Logger) {
  const auth = new AuthService(new AuthStore(raw), kv, clock, {
    refreshAbsoluteMs: config.auth.refresh_absolute_days * 86_400_000,
    maxConcurrentHashes: config.auth.max_concurrent_hashes,
  });
  auth.prune();
  const setupCode = new SetupCode(setupCodePath(config.storage.path));
  if (auth.needsSetup()) {
    const code = setupCode.issue();
    const where = setupCode.file ? ` (also in ${setupCode.file}; \`vantage setup-code\` shows it)` : '';
    if (setupCode.writeError) log.error({ err: setupCode.writeError }, 'cannot write the setup code file; the code is in this log only');
    log.warn({ setup_code: code, file: setupCode.file }, `no users yet: create the first admin in the dashboard or with POST /api/v1/auth/setup and the setup code ${code}${where}, or on this box with \`vantage user add NAME --role admin\``);
  } else {
    setupCode.done(); // an admin was made meanwhile (e.g. by the CLI): no code is left lying around
  }
  const hostAllowed = hostChecker({ allowed: config.http.allowed_hosts, boundHost: config.http.host });
  return { auth, setupCode, hostAllowed };
}
