/**
 * Shared parts of the fault-injection suite (appliance/test/faults/*.test.ts): the short/full switch,
 * the figures each case reports for the summary line, and the real daemon run as a child process on
 * loopback with its config file, database and probes.
 *
 * `make test` runs the short form; `make test-faults` sets VANTAGE_FAULTS=full for the long one and
 * prints every case's figures at the end (scripts/faults-summary.mjs).
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { CLI, freePort, MEDIA, processAlive, ROOT, startCli, tempDir, waitFor } from '../helpers.js';

/** The long form (`VANTAGE_FAULTS=full`, what `make test-faults` runs); otherwise the short one. */
export const FULL = process.env.VANTAGE_FAULTS === 'full';
export const MODE = FULL ? 'full' : 'short';

/** One JSON line per case: what scripts/faults-summary.mjs prints at the end of a run. */
export const FAULTS_REPORT = process.env.VANTAGE_FAULTS_REPORT ?? join(ROOT, '.vantage-test', 'faults-report.jsonl');

// VANTAGE_* variables are config overrides for the daemons these tests start (VANTAGE_FAULTS would be
// an unknown section `faults`): read above, then kept away from them.
delete process.env.VANTAGE_FAULTS;
delete process.env.VANTAGE_FAULTS_REPORT;

/** Records a case's figures (kills survived, messages delivered/lost, requests fuzzed, clients held …). */
export function reportFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(dirname(FAULTS_REPORT), { recursive: true });
  appendFileSync(FAULTS_REPORT, `${JSON.stringify({ case: name, mode: MODE, at: new Date().toISOString(), ...figures })}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Daemon {
  readonly pid: number;
  readonly port: number;
  readonly base: string;
  output(): string;
  /** Exit code or signal once it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `vantage run --config FILE` and waits until /readyz answers 200. */
export async function startDaemon(configFile: string, port: number, opts: { env?: Record<string, string>; readyTimeoutMs?: number } = {}): Promise<Daemon> {
  const child = startCli(['run', '--config', configFile], opts.env ?? {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const daemon: Daemon = {
    pid: child.pid!,
    port,
    base,
    output: () => child.output(),
    exited,
    alive: () => child.exitCode === null && child.signalCode === null && processAlive(child.pid!),
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    await waitFor('the daemon ready', async () => {
      if (gone) throw new Error(`the daemon exited: ${child.output().slice(-2000)}`);
      const r = await fetch(`${base}/readyz`);
      return r.status === 200 ? true : undefined;
    }, opts.readyTimeoutMs ?? 60_000, 150);
  } catch (e) {
    await daemon.kill();
    throw new Error(`${(e as Error).message}\n--- daemon output ---\n${child.output().slice(-3000)}`);
  }
  return daemon;
}

/** Writes a YAML config (lines joined) and returns its path. */
export function writeConfig(dir: string, lines: string[], name = 'config.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A fresh directory, a free port and the usual config head (loopback HTTP, no scheduled reports). */
export async function daemonDir(prefix: string): Promise<{ dir: string; port: number; dbPath: string; head: string[] }> {
  const dir = tempDir(`vantage-${prefix}-`);
  const port = await freePort();
  const dbPath = join(dir, 'vantage.db');
  return {
    dir,
    port,
    dbPath,
    head: [
      `http: { host: 127.0.0.1, port: ${port}, rate_limit_per_minute: 0 }`,
      // Test clips are made in temp folders: they are media folders here (sources/source-policy).
      `storage: { path: ${dbPath}, media_dirs: [${MEDIA}, ${tmpdir()}] }`,
      'analytics: { hourly_reports: false, daily_reports: false }',
      'log: { level: info }',
    ],
  };
}

/** One value of a Prometheus series (optionally with labels, e.g. `{camera="a"}`), NaN when absent. */
export async function metric(base: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetchRetry(`${base}/metrics`)).text();
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^${esc(name)}${esc(labels)} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** `PRAGMA integrity_check` of a database file (read-only; the daemon need not be running). */
export function integrityCheck(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** Resident memory (MiB) and open file descriptors of a process, from /proc. */
export function processFootprint(pid: number): { rssMb: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return { rssMb: kb / 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** A test clip made once per process with ffmpeg (e.g. a lower frame rate or another size). */
const clips = new Map<string, string>();
export function makeClip(name: string, args: string[]): string {
  const cached = clips.get(name);
  if (cached) return cached;
  const out = join(tempDir('vantage-clip-'), name);
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args, out], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  clips.set(name, out);
  return out;
}

/** The built CLI exists (tests spawn it); a clear message instead of an ENOENT if not. */
export function assertBuilt(): void {
  try {
    readFileSync(CLI);
  } catch {
    throw new Error(`${CLI} is missing: run \`npm run build\` (or \`make build\`) first`);
  }
}

/**
 * fetch, tried again once when a kept-alive connection was closed by the server just as it was reused
 * (its 5 s keep-alive timeout racing the next request: not the daemon's fault).
 */
export async function fetchRetry(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    if ((e as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
    return fetch(url, init);
  }
}

/** GET as JSON with a bearer token. */
export async function getJson<T>(url: string, token: string): Promise<T> {
  const r = await fetchRetry(url, { headers: { authorization: `Bearer ${token}` } });
  if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}
