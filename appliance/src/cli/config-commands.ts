import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../config/loader.js';
import { cameraSourceIssues, policyFor } from '../sources/source-policy.js';
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
    // The camera sources are checked as at start-up (sources/source-policy).
    const refused = cameraSourceIssues(config.cameras, policyFor(config.storage));
    if (refused.length) throw new ConfigError(source, refused);
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
