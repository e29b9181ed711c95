import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/loader.js';
import { VantageError } from '../errors.js';
import { backupDatabase } from '../store/backup.js';
import { integrityCheck, openDatabase } from '../store/database.js';
import { out } from './io.js';

const USAGE = 'usage: vantage backup FILE [--config FILE]   an online copy of the database (safe while the daemon runs)';

/**
 * `vantage backup FILE`: a consistent copy of the database through SQLite's online backup API, taken
 * while the daemon keeps writing; the copy is checked with `PRAGMA integrity_check` before it is
 * reported. Restore: stop the daemon, put the copy at `storage.path`, start it.
 */
export async function backupCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string', short: 'c' } } });
  const target = positionals[0];
  if (!target || positionals.length > 1) throw new VantageError('ERR_USAGE', USAGE);
  const dest = resolve(target);
  if (existsSync(dest)) throw new VantageError('ERR_USAGE', `${dest} already exists; name a new file`);
  const { config } = loadConfig({ env, ...(values.config ? { file: values.config } : {}) });
  if (config.storage.path === ':memory:' || !existsSync(config.storage.path)) {
    throw new VantageError('ERR_USAGE', `no database at ${config.storage.path} (storage.path)`);
  }
  const store = openDatabase(config.storage.path);
  try {
    const { bytes } = await backupDatabase(store.raw, dest);
    const check = integrityCheck(dest);
    if (check !== 'ok') throw new VantageError('ERR_UNAVAILABLE', `the copy at ${dest} failed its integrity check: ${check}`);
    out(JSON.stringify({ backup: dest, bytes, source: config.storage.path, integrity: check }));
  } finally {
    await store.close();
  }
  return 0;
}
