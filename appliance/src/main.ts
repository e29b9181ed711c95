#!/usr/bin/env node
import { err, out } from './cli/io.js';
import { isVantageError } from './errors.js';

const USAGE = `vantage — edge video analytics

usage:
  vantage run [--config FILE]                 start the daemon (default config: VANTAGE_CONFIG or built-in defaults)
  vantage analyze VIDEO [--json] [--mot-out FILE] [--classes person]
                                              run decode → detect (→ track) on a file as fast as possible
  vantage eval-mot --gt GT.txt --pred P.txt [--iou 0.5]
                                              score MOTChallenge tracks: MOTA, MOTP, IDF1, IDSW, …
  vantage eval-det VIDEO --gt GT.txt [--model M] [--input auto|WxH] [--every N]
                                              score the detector alone: AP50, recall, precision, FP/frame, ms/frame
  vantage eval-counts VIDEO --gt GT.txt --line x1,y1,x2,y2 … [--step N] [--json]
  vantage eval-counts --session ID --gt GT.txt [--json]
                                              tripwire count accuracy: the appliance's counts on its
                                              tracks vs on the ground truth, and visitors vs people
  vantage config check FILE                   validate a config file
  vantage config print [--config FILE]        show the effective config (secrets redacted)
  vantage migrate [--config FILE]             create or upgrade the SQLite database
  vantage backup FILE [--config FILE]         an online copy of the database (safe while the daemon runs)
  vantage user add NAME --role ROLE | passwd NAME | list
                                              manage users (passwords read from stdin)
  vantage apikey add NAME --scope S… | list | revoke ID
                                              manage API keys (the key is printed once)
  vantage setup-code [--config FILE]          the one-time code for creating the first admin (while none exists)

Environment: VANTAGE_CONFIG=FILE, and VANTAGE_<SECTION>__<KEY>=value overrides (e.g. VANTAGE_HTTP__PORT=9090).`;

// Each command's module is loaded when it runs: `analyze` need not load the HTTP server, the
// dashboard's and the upstream services' libraries (a second of CPU at every start).
async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return (await import('./cli/run.js')).runCommand(rest, process.env);
    case 'analyze':
      return (await import('./cli/analyze.js')).analyzeCommand(rest, process.env);
    case 'config':
      return (await import('./cli/config-commands.js')).configCommand(rest, process.env);
    case 'migrate':
      return (await import('./cli/migrate.js')).migrateCommand(rest, process.env);
    case 'backup':
      return (await import('./cli/backup.js')).backupCommand(rest, process.env);
    case 'user':
      return (await import('./cli/auth-commands.js')).userCommand(rest, process.env);
    case 'apikey':
      return (await import('./cli/auth-commands.js')).apiKeyCommand(rest, process.env);
    case 'setup-code':
      return (await import('./cli/auth-commands.js')).setupCodeCommand(rest, process.env);
    case 'eval-mot':
      return (await import('./cli/eval-mot.js')).evalMotCommand(rest);
    case 'eval-counts':
      return (await import('./cli/eval-counts.js')).evalCountsCommand(rest, process.env);
    case 'eval-det':
      return (await import('./cli/eval-det.js')).evalDetCommand(rest, process.env);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      err(`unknown command "${cmd}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    if (isVantageError(e)) {
      err(`vantage: ${e.message}`);
      process.exitCode = e.code === 'ERR_USAGE' ? 2 : 1;
    } else if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`vantage: ${e.message}`);
      process.exitCode = 2;
    } else {
      err(`vantage: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
    }
  },
);
