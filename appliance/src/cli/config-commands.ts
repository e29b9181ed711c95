import { stringify } from 'yaml';
import { loadConfig } from '../config/loader.js';
import { VantageError } from '../errors.js';
import { redactSecrets } from '../util/redact.js';
import { parseArgs } from 'node:util';
import { out } from './io.js';

export function configCommand(argv: string[], env: NodeJS.ProcessEnv): number {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { config: { type: 'string', short: 'c' } } });
  const file = positionals[0] ?? values.config;
  if (sub === 'check') {
    if (!file) throw new VantageError('ERR_USAGE', 'usage: vantage config check FILE');
    const { config, source } = loadConfig({ file, env });
    out(`${source}: ok (${config.cameras.length} camera${config.cameras.length === 1 ? '' : 's'})`);
    return 0;
  }
  if (sub === 'print') {
    const { config } = loadConfig({ env, ...(file ? { file } : {}) });
    out(stringify(redactSecrets(config)));
    return 0;
  }
  throw new VantageError('ERR_USAGE', 'usage: vantage config check FILE | vantage config print [--config FILE]');
}
