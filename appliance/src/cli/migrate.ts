import { parseArgs } from 'node:util';
import { loadConfig } from '../config/loader.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { out } from './io.js';

export async function migrateCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } });
  const { config } = loadConfig({ env, ...(values.config ? { file: values.config } : {}) });
  const store = openDatabase(config.storage.path);
  try {
    const result = await migrateToLatest(store.db);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    out(`${config.storage.path}: ${applied.length ? `applied ${applied.join(', ')}` : 'already up to date'}`);
    if (result.backup) out(`the database before the upgrade was copied to ${result.backup}`);
  } finally {
    await store.close();
  }
  return 0;
}
