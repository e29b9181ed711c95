import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../src/config/paths.js';

export const ROOT = PACKAGE_ROOT;
export const MEDIA = resolve(ROOT, 'appliance/media/mot15');
export const STADTMITTE = resolve(MEDIA, 'TUD-Stadtmitte/TUD-Stadtmitte.mp4');
export const CAMPUS = resolve(MEDIA, 'TUD-Campus/TUD-Campus.mp4');
export const CLI = resolve(ROOT, 'dist/appliance/src/main.js');

export function tempDir(prefix = 'vantage-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** Runs the built CLI to completion. */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000, ...(input === undefined ? {} : { input }) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the built CLI without blocking this process (an in-process server keeps answering meanwhile). */
export function runCliAsync(args: string[], env: Record<string, string> = {}, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Child process ids of `pid`, read from /proc (no procps needed), to prove no ffmpeg is left behind. */
export function childPids(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return kids;
}

export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \([^)]*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Frames (1-based) where the MOTChallenge ground truth has at least one counted box. */
export function gtFramesWithObjects(gtPath: string): Set<number> {
  const frames = new Set<number>();
  for (const line of readFileSync(gtPath, 'utf8').split('\n')) {
    const c = line.split(',');
    if (c.length >= 7 && Number(c[6]) !== 0) frames.add(Number(c[0]));
  }
  return frames;
}

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/** The admin every daemon test signs in as (created by first-run setup). */
export const TEST_ADMIN = { username: 'admin', password: 'vantage test passphrase 7' };

/**
 * The first-run setup code of the daemon at `base`, read as its operator would: from the file beside the
 * database that GET /auth/status names while setup is required (undefined once an admin exists).
 */
export async function setupCodeOf(base: string): Promise<string | undefined> {
  const status = (await (await fetch(`${base}/api/v1/auth/status`)).json()) as { setup_required: boolean; setup_code_file?: string | null };
  if (!status.setup_required) return undefined;
  if (!status.setup_code_file) throw new Error(`${base} needs setup but wrote no setup code file (an in-memory database?)`);
  return readFileSync(status.setup_code_file, 'utf8').trim();
}

/** Creates the first admin (with the setup code), or logs in if one exists, and returns its access token. */
export async function signIn(base: string, who = TEST_ADMIN): Promise<string> {
  const post = (path: string, extra: Record<string, unknown> = {}) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...who, ...extra }) });
  const code = await setupCodeOf(base);
  let r = code === undefined ? await post('/api/v1/auth/login') : await post('/api/v1/auth/setup', { setup_code: code });
  if (r.status === 409) r = await post('/api/v1/auth/login');
  if (!r.ok) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { access_token: string }).access_token;
}

const tokens = new Map<string, Promise<string>>();

/**
 * fetch as the test admin: signs in to the URL's server on first use (and again if the server behind
 * that port changed), then sends the bearer token.
 */
export const api: Fetch = async (url, init = {}) => {
  const origin = new URL(url).origin;
  for (let attempt = 0; ; attempt++) {
    let token = tokens.get(origin);
    if (!token) tokens.set(origin, (token = signIn(origin)));
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${await token.catch((e: unknown) => (tokens.delete(origin), Promise.reject(e)))}`);
    const res = await fetch(url, { ...init, headers });
    if (res.status !== 401 || attempt > 0) return res;
    tokens.delete(origin);
  }
};

/** A fetch init sending `body` as JSON with `method`. */
export const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
