import { parseArgs } from 'node:util';
import { Appliance } from '../appliance.js';
import { loadConfig } from '../config/loader.js';
import { DEFAULT_CONFIG_FILE } from '../config/paths.js';
import { createLogger } from '../logger.js';
import { isVantageError } from '../errors.js';

/** How long a stop may take before the CLI gives up and exits 1 (systemd waits TimeoutStopSec=10 before SIGKILL). */
export const STOP_DEADLINE_MS = 5000;

/** `vantage run`: start the daemon and stop it cleanly on SIGTERM/SIGINT within 5 s. */
export async function runCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } });
  const file = values.config ?? env.VANTAGE_CONFIG ?? DEFAULT_CONFIG_FILE;
  const { config, source } = loadConfig({ env, file });
  const log = createLogger(config.log.level);
  log.info({ module: 'main', config: source, cameras: config.cameras.length }, 'starting vantage');

  const appliance = new Appliance(config, log);
  let stopping: Promise<void> | undefined;
  let stopped!: () => void;
  const finished = new Promise<void>((r) => (stopped = r));
  const stop = (reason: string, code: number): Promise<void> => {
    stopping ??= (async () => {
      log.info({ module: 'main', reason }, 'shutting down');
      let done = false;
      // Stays armed after the stop (unref'd: it keeps nothing alive): a handle left open somewhere
      // would otherwise keep a stopped daemon running until systemd kills it.
      const deadline = setTimeout(() => {
        if (done) log.warn({ module: 'main' }, `stopped, but the process had not ended ${STOP_DEADLINE_MS} ms after the signal; exiting`);
        else log.fatal({ module: 'main' }, `shutdown took longer than ${STOP_DEADLINE_MS} ms; exiting`);
        log.flush();
        process.exit(done ? code : code || 1);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      try {
        await appliance.stop();
      } finally {
        done = true;
        log.flush();
        process.exitCode = code;
        stopped();
      }
    })();
    return stopping;
  };
  const fatal = (kind: string) => (e: unknown) => {
    log.fatal({ module: 'main', err: e }, kind);
    void stop(kind, 1).finally(() => process.exit(1));
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled promise rejection'));
  process.once('SIGTERM', () => void stop('SIGTERM', 0));
  // SIGHUP re-reads the config file: cameras are added, changed or removed without a restart; an
  // invalid file is reported and changes nothing.
  process.on('SIGHUP', () => {
    try {
      const next = loadConfig({ env, file }).config;
      log.info({ module: 'main', config: source }, 'reloading config');
      void appliance.reload(next).catch((e: unknown) => log.error({ module: 'main', err: e }, 'reload failed'));
    } catch (e) {
      log.error({ module: 'main', err: e instanceof Error ? e.message : String(e) }, 'config reload refused; keeping the running config');
    }
  });
  process.once('SIGINT', () => void stop('SIGINT', 0));

  try {
    await appliance.start();
  } catch (e) {
    // A known failure (a bad model, a port in use …) is a message for the operator, not a stack trace.
    log.fatal({ module: 'main', ...(isVantageError(e) ? { code: e.code, error: e.message } : { err: e }) }, 'start-up failed');
    await stop('start-up failed', 1);
    throw e;
  }
  await finished;
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}
