import type { Logger } from '../logger.js';
import { errorMessage } from '../errors.js';
import { Backoff } from '../sources/backoff.js';
import { onLogLines, parseDecoderLog, spawnDecoder, type DecoderProcess } from '../sources/ffmpeg.js';
import { redactUrl } from '../util/redact.js';
import { ErrorLines, exitMessage, ffmpegMissingMessage, killedMessage } from '../sources/source-diagnostic.js';

export type EncoderState = 'idle' | 'starting' | 'running' | 'retrying' | 'ended';

export interface LiveEncoderOptions {
  /** Probes the source and returns the ffmpeg arguments; called before every start. */
  prepare(): Promise<string[]>;
  /** Bytes from ffmpeg's stdout. */
  onChunk(chunk: Buffer): void;
  /** A new ffmpeg process is about to write: drop any partial frame or packet of the last one. */
  onSpawn(): void;
  /** A file without `loop` that ended is not restarted. */
  loopsOrLive(): boolean;
  /** How long ffmpeg keeps running after the last viewer left (a reload reuses it). */
  lingerMs: number;
  /** Told when an ffmpeg process starts (true) or exits (false), for counting. */
  onProcess?(running: boolean): void;
  log: Logger;
}

/**
 * One ffmpeg process that runs only while it is wanted: `want(true)` starts it (or keeps it), and
 * `want(false)` stops it `lingerMs` later unless wanted again. While wanted, a process that fails or
 * exits is restarted with backoff (1 s doubling to 30 s); a stop is SIGTERM, then SIGKILL after 2 s,
 * and `close()` resolves only when the process has exited, so none is left behind.
 */
export class LiveEncoder {
  private proc: DecoderProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private wanted = false;
  private generation = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff();
  state: EncoderState = 'idle';
  lastError: string | null = null;
  /** ffmpeg processes started since creation. */
  starts = 0;

  constructor(private readonly opts: LiveEncoderOptions) {}

  /** An ffmpeg process is alive. */
  get running(): boolean {
    return this.proc !== undefined;
  }

  want(on: boolean): void {
    if (on) {
      if (this.lingerTimer) clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      if (this.wanted && this.state !== 'ended') return;
      this.wanted = true;
      void this.launch();
      return;
    }
    if (!this.wanted || this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      this.wanted = false;
      void this.halt();
    }, this.opts.lingerMs);
    this.lingerTimer.unref();
  }

  /** The source changed: stop the process and, if still wanted, start a new one with fresh arguments. */
  async restart(): Promise<void> {
    await this.halt();
    if (this.wanted && !this.lingerTimer) void this.launch();
  }

  /** Stops for good (until wanted again) and waits for the process to exit. */
  async close(): Promise<void> {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.wanted = false;
    await this.halt();
  }

  private async launch(): Promise<void> {
    const gen = ++this.generation;
    this.state = 'starting';
    let args: string[];
    try {
      args = await this.opts.prepare();
    } catch (e) {
      return this.retry(gen, errorMessage(e));
    }
    if (gen !== this.generation || !this.wanted) return;
    let proc: DecoderProcess;
    try {
      proc = spawnDecoder(args);
    } catch (e) {
      return this.retry(gen, `cannot start ffmpeg: ${errorMessage(e)}`);
    }
    this.proc = proc;
    this.starts++;
    this.opts.onProcess?.(true);
    this.opts.onSpawn();
    let resolveExit!: () => void;
    this.exited = new Promise((r) => (resolveExit = r));
    const errorLines = new ErrorLines();
    onLogLines(proc.stderr, (line) => {
      const entry = parseDecoderLog(line);
      if (entry.kind === 'error') errorLines.add(entry.text);
    });
    proc.stdout.on('data', (chunk: Buffer) => {
      if (gen !== this.generation) return;
      if (this.state !== 'running') {
        this.state = 'running';
        this.lastError = null;
        this.backoff.reset();
        this.opts.log.info({ pid: proc.pid }, 'live encoder running');
      }
      this.opts.onChunk(chunk);
    });
    proc.on('error', (err: NodeJS.ErrnoException) => {
      errorLines.add(err.code === 'ENOENT' ? ffmpegMissingMessage : err.message);
    });
    proc.on('close', (code, signal) => {
      if (this.proc === proc) this.proc = undefined;
      this.opts.onProcess?.(false);
      resolveExit();
      if (gen !== this.generation || !this.wanted) return;
      if (code === 0 && !this.opts.loopsOrLive()) {
        this.state = 'ended';
        return;
      }
      this.retry(gen, redactUrl(errorLines.telling || (signal ? killedMessage(signal) : exitMessage(code))));
    });
  }

  private retry(gen: number, why: string): void {
    if (gen !== this.generation || !this.wanted) return;
    const delay = this.backoff.next();
    this.state = 'retrying';
    this.lastError = why;
    this.opts.log.warn({ err: why, retryInMs: delay }, 'live encoder failed; retrying');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (gen === this.generation && this.wanted) void this.launch();
    }, delay);
    this.retryTimer.unref();
  }

  private async halt(): Promise<void> {
    const gen = ++this.generation;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const proc = this.proc;
    const exited = this.exited;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(killer);
    } else if (proc) {
      await exited;
    }
    if (gen === this.generation) this.state = 'idle'; // unless started again meanwhile
  }
}
