import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config/loader.js';
import { AuthService } from '../auth/auth-service.js';
import { ROLES, SCOPES, type Role, type Scope } from '../auth/roles.js';
import { VantageError } from '../errors.js';
import { AuthStore } from '../store/auth-store.js';
import { KeyValueStore } from '../store/key-value.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { out } from './io.js';
import { readSetupCode, SetupCode, setupCodePath } from '../auth/setup-code.js';

const USERS = `usage:
  vantage user add NAME --role admin|operator|viewer   password read from stdin
  vantage user passwd NAME                              new password from stdin; ends NAME's logins
  vantage user list`;
const KEYS = `usage:
  vantage apikey add NAME --scope reports:read [--scope events:read …]   prints the key once
  vantage apikey list
  vantage apikey revoke ID`;

async function withAuth<T>(configFile: string | undefined, env: NodeJS.ProcessEnv, fn: (auth: AuthService, databasePath: string) => Promise<T>): Promise<T> {
  const { config } = loadConfig({ env, ...(configFile ? { file: configFile } : {}) });
  const store = openDatabase(config.storage.path);
  try {
    await migrateToLatest(store.db);
    return await fn(new AuthService(new AuthStore(store.raw), new KeyValueStore(store.raw), systemClock), config.storage.path);
  } finally {
    await store.close();
  }
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) throw new VantageError('ERR_USAGE', 'pipe the password on stdin, e.g. `read -rs P && printf %s "$P" | vantage user add …`');
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** `vantage user …`: manage dashboard users from the box itself (first admin, forgotten passwords). */
export async function userCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string', short: 'c' }, role: { type: 'string' } } });
  const [sub, name] = positionals;
  if (sub === 'list') {
    await withAuth(values.config, env, async (auth) => {
      for (const u of auth.users()) out(`${u.id}\t${u.username}\t${u.role}\tlast login ${u.last_login_at ?? 'never'}`);
    });
    return 0;
  }
  if (!name || (sub !== 'add' && sub !== 'passwd')) throw new VantageError('ERR_USAGE', USERS);
  if (sub === 'add') {
    const role = values.role as Role | undefined;
    if (!role || !ROLES.includes(role)) throw new VantageError('ERR_USAGE', `--role must be one of ${ROLES.join(', ')}\n${USERS}`);
    const password = await readPassword();
    const u = await withAuth(values.config, env, async (auth, db) => {
      const user = await auth.createUser(name, password, role);
      if (role === 'admin') new SetupCode(setupCodePath(db)).done(); // first-run setup is done: its code goes
      return user;
    });
    out(`created ${u.role} "${u.username}" (id ${u.id})`);
    return 0;
  }
  const password = await readPassword();
  await withAuth(values.config, env, async (auth) => {
    const u = auth.users().find((x) => x.username === name);
    if (!u) throw new VantageError('ERR_NOT_FOUND', `no user "${name}"`);
    await auth.updateUser(u.id, { password });
  });
  out(`password of "${name}" changed; its sessions are signed out`);
  return 0;
}

/** `vantage apikey …`: keys for central servers and scripts. */
export async function apiKeyCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, scope: { type: 'string', multiple: true } },
  });
  const [sub, arg] = positionals;
  if (sub === 'list') {
    await withAuth(values.config, env, async (auth) => {
      for (const k of auth.listKeys()) out(`${k.id}\t${k.name}\t${k.scopes.join(',')}\t${k.revoked_at ? `revoked ${k.revoked_at}` : `last used ${k.last_used_at ?? 'never'}`}`);
    });
    return 0;
  }
  if (sub === 'add' && arg) {
    const scopes = (values.scope ?? []) as Scope[];
    const bad = scopes.filter((s) => !SCOPES.includes(s));
    if (!scopes.length || bad.length) throw new VantageError('ERR_USAGE', `--scope must be one or more of ${SCOPES.join(', ')}${bad.length ? ` (not ${bad.join(', ')})` : ''}\n${KEYS}`);
    const k = await withAuth(values.config, env, (auth) => auth.createKey(arg, scopes, null));
    out(k.key);
    return 0;
  }
  if (sub === 'revoke' && arg) {
    const ok = await withAuth(values.config, env, async (auth) => auth.revokeKey(arg));
    if (!ok) throw new VantageError('ERR_NOT_FOUND', `no active API key "${arg}"`);
    out(`revoked ${arg}`);
    return 0;
  }
  throw new VantageError('ERR_USAGE', KEYS);
}

/** `vantage setup-code`: the one-time code the running daemon wrote for first-run setup. */
export async function setupCodeCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } });
  const code = await withAuth(values.config, env, async (auth, db) => {
    if (!auth.needsSetup()) throw new VantageError('ERR_CONFLICT', 'setup is done: an admin exists (sign in, or add users with `vantage user add`)');
    const found = readSetupCode(db);
    if (!found) throw new VantageError('ERR_NOT_FOUND', `no setup code${setupCodePath(db) ? ` in ${setupCodePath(db)}` : ''}: start the daemon (\`vantage run\`); it writes one while no admin exists`);
    return found;
  });
  out(code);
  return 0;
}
