/**
 * A real RTSP server on 127.0.0.1 for integration tests: scripts/rtsp-server.py (GStreamer's
 * gst-rtsp-server, run by Debian's python3) serving an H.264 copy of a bundled clip, like an IP camera
 * over TCP or UDP. Its Debian packages are installed by `make test-deps` (part of `make test`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { freePort, ROOT, STADTMITTE, tempDir } from './helpers.js';

export const SERVER_SCRIPT = resolve(ROOT, 'scripts/rtsp-server.py');
/** Debian's python: python3-gi and the GstRtspServer typelib are Debian packages, not pip ones. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** The long H.264 clip made once per test run (in its own temp dir, removed when the process exits). */
let clipCache: string | undefined;

/** Every server process started here, so none outlives the test run (see `stopAllRtspServers`). */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  if (clipCache) rmSync(dirname(clipCache), { recursive: true, force: true });
});

/** Throws with the fix when GStreamer's RTSP server cannot be used from Debian's python3. */
export function assertRtspServerAvailable(): void {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer'], { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : r.stderr.trim().split('\n').pop();
    throw new Error(`GStreamer RTSP server unavailable (${why}); install it with \`make test-deps\``);
  }
}

/**
 * The bundled Stadtmitte clip (MPEG-4 Part 2, 7.2 s at 25 fps) re-encoded once per test run to H.264
 * with a keyframe every second, then looped by stream copy into a long clip (`loops` × 7.2 s, 143 s by
 * default) so that the server can play it as a live stream for longer than any test lasts.
 */
export function prepareH264Clip(loops = 20): string {
  if (clipCache && existsSync(clipCache)) return clipCache;
  const dir = tempDir('vantage-rtsp-');
  const once = join(dir, 'stadtmitte-h264.mp4');
  const long = join(dir, 'stadtmitte-h264-long.mp4');
  const run = (args: string[]): void => {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.error?.message ?? r.stderr}`);
  };
  run(['-i', STADTMITTE, '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', once]);
  run(['-stream_loop', String(loops - 1), '-i', once, '-c', 'copy', long]);
  clipCache = long;
  return long;
}

export interface RtspServer {
  readonly port: number;
  /** rtsp://127.0.0.1:PORT/PATH */
  readonly url: string;
  /** The running server process, if any. */
  readonly pid: number | undefined;
  /** SIGKILL the server (an abrupt outage: no RTSP TEARDOWN, sockets reset) and wait until it is gone. */
  kill(): Promise<void>;
  /** Start the server again on the same port and wait until it listens. */
  restart(): Promise<void>;
  /** Stop it for good (SIGKILL); safe to call twice. */
  stop(): Promise<void>;
}

export interface RtspServerOptions {
  clip?: string;
  port?: number;
  path?: string;
  readyTimeoutMs?: number;
}

/** Starts scripts/rtsp-server.py on 127.0.0.1 (a free port unless given) and waits for its `ready` line. */
export async function startRtspServer(opts: RtspServerOptions = {}): Promise<RtspServer> {
  assertRtspServerAvailable();
  const clip = opts.clip ?? prepareH264Clip();
  const port = opts.port ?? (await freePort());
  const path = opts.path ?? '/cam1';
  const url = `rtsp://127.0.0.1:${port}${path}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;

  const launch = (): Promise<ChildProcess> =>
    new Promise((res, rej) => {
      const proc = spawn(SYSTEM_PYTHON, [SERVER_SCRIPT, '--port', String(port), '--clip', clip, '--path', path, '--die-with-parent'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      live.add(proc);
      let out = '';
      let err = '';
      const fail = (why: string): void => {
        clearTimeout(timer);
        proc.kill('SIGKILL');
        rej(new Error(`RTSP server on port ${port} ${why}${err.trim() ? `: ${err.trim().slice(-2000)}` : ''}`));
      };
      const timer = setTimeout(() => fail(`not ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
      proc.stderr!.setEncoding('utf8');
      proc.stderr!.on('data', (d: string) => (err = (err + d).slice(-8192)));
      proc.stdout!.setEncoding('utf8');
      proc.stdout!.on('data', (d: string) => {
        out += d;
        if (out.split('\n').some((l) => l.trim() === `ready ${url}`)) {
          clearTimeout(timer);
          res(proc);
        }
      });
      proc.once('error', (e) => fail(`could not start: ${e.message}`));
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        fail(`exited before it was ready (${signal ?? `code ${code}`})`);
      });
    });

  const start = async (): Promise<void> => {
    // A port just released by a killed server can take a moment to be bindable again: retry briefly.
    let last: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        child = await launch();
        return;
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw last;
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await gone;
  };

  await start();
  return {
    port,
    url,
    get pid() {
      return child?.pid;
    },
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    stop: kill,
  };
}

/** SIGKILLs every server still running and removes the prepared clip (for afterAll). */
export async function stopAllRtspServers(): Promise<void> {
  const procs = [...live].filter((p) => p.exitCode === null && p.signalCode === null);
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((r) => {
          p.once('exit', () => r());
          p.kill('SIGKILL');
        }),
    ),
  );
  live.clear();
  if (clipCache) rmSync(dirname(clipCache), { recursive: true, force: true });
  clipCache = undefined;
}
