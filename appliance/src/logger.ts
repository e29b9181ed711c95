import { pino, type Logger, type DestinationStream } from 'pino';
import { redactUrl } from './util/redact.js';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** JSON logs on stdout (or a given stream); modules take child loggers bound to { module, camera }. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'vantage' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['password', '*.password', 'token', '*.token'], censor: '[redacted]' },
      // URL credentials (user info, secret query values) never reach a log line, whoever logs the URL.
      formatters: { log: (obj) => redactStrings(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactUrl(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/** A logger that drops everything, for CLI commands whose stdout is a result. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Strings (also inside errors, arrays and plain objects) with URL credentials redacted; depth-limited. */
function redactStrings(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return v.includes('://') ? redactUrl(v) : v;
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactStrings(x, depth + 1));
  if (v instanceof Error) {
    const e = { type: v.name, message: redactUrl(v.message), stack: v.stack ? redactUrl(v.stack) : undefined } as Record<string, unknown>;
    for (const [k, x] of Object.entries(v)) e[k] = redactStrings(x, depth + 1);
    return e;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactStrings(x, depth + 1)]));
}
