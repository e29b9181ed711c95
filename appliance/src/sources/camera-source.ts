import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../clock.js';
import { errorMessage, isVantageError } from '../errors.js';
import { letterbox, resized, type Letterbox } from '../detect/types.js';
import { frameBytes } from '../detect/preprocess.js';
import { FrameRing, type FrameRef, type RingPolicy } from './frame-ring.js';
import { redactText, redactUrl } from '../util/redact.js';
import { Backoff } from './backoff.js';
import type { Socket } from 'node:net';
import { buildDecodeArgs, isNetworkUrl, onLogLines, parseDecoderLog, probe, spawnFrameDecoder, type FrameDecoderProcess, type SourceSpec, type StreamInfo } from './ffmpeg.js';
import { openFrameChannel, type FrameChannel } from './frame-channel.js';
import { exitMessage, ffmpegMissingMessage, killedMessage, resolutionMessage, stallMessage, streamEndedMessage, ErrorLines } from './source-diagnostic.js';

export type CameraStatus = 'starting' | 'online' | 'offline' | 'stalled' | 'ended' | 'stopped';

export interface SourceOptions {
  id: string;
  spec: SourceSpec;
  /** Model input the frames are letterboxed into, when `plan` is not given. */
  inputWidth: number;
  inputHeight: number;
  /**
   * The model input for a source size and how frames map into it (the detector's input planner);
   * called on every connect and when the source changes resolution.
   */
  plan?: (srcWidth: number, srcHeight: number) => Letterbox;
  padValue: number;
  policy: RingPolicy;
  stallTimeoutMs?: number;
  slots?: number;
  /** Reconnect with backoff after a failure (live cameras); false ends the source with the error. */
  retry?: boolean;
  /** Told about every frame dropped because the detector was behind. */
  onDrop?: () => void;
}

export interface SourceStats {
  status: CameraStatus;
  framesDecoded: number;
  framesDropped: number;
  reconnects: number;
  lastFrameAt: number | null;
  lastError: string | null;
  /** Frames per second delivered by the decoder, smoothed over ~2 s. */
  fps: number;
}

/**
 * One camera's decoder: an ffmpeg child whose letterboxed raw frames are read straight into a FrameRing. Probes
 * the stream, restarts on exit or stall with exponential backoff, and never throws to its owner:
 * failures show up in `stats()` as status and lastError.
 */
export class CameraSource {
  /** Replaced by a ring of the new frame size when a new plan changes the model input size. */
  private ring: FrameRing;
  info: StreamInfo | undefined;
  letterbox: Letterbox | undefined;
  private proc: FrameDecoderProcess | undefined;
  /** This process's end of the frame channel of the running decoder. */
  private reader: Socket | undefined;
  /** Bytes read while no ring slot was free (backpressure only), copied into a slot once one frees. */
  private readonly spill = new Uint8Array(64 * 1024);
  private status: CameraStatus = 'stopped';
  private stopping = false;
  private reconnects = 0;
  private lastFrameAt: number | null = null;
  private lastError: string | null = null;
  private fps = 0;
  private fpsWindowStart = 0;
  private fpsWindowFrames = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff();
  private exited: Promise<void> = Promise.resolve();
  /** Decoder output paused because the ring is full (backpressure policy). */
  private paused = false;
  private generation = 0;
  /** The size a resolution change reported, used by the next connect instead of probing. */
  private replanned: { width: number; height: number } | undefined;
  private readonly listeners = new Set<(completed: number) => void>();
  private readonly endListeners = new Set<(error?: string) => void>();
  private readonly statusListeners = new Set<(status: CameraStatus) => void>();

  constructor(
    private readonly opts: SourceOptions,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.ring = new FrameRing(frameBytes(opts.inputWidth, opts.inputHeight), opts.slots ?? 3, opts.policy, opts.onDrop);
  }

  /** Called (synchronously) whenever new frames are ready in the ring, with how many completed. */
  onFrame(fn: (completed: number) => void): void {
    this.listeners.add(fn);
  }

  /**
   * Called once when a non-looping file source has delivered its last frame, or, without retry, when
   * the source failed (with the error).
   */
  onEnd(fn: (error?: string) => void): void {
    this.endListeners.add(fn);
  }

  /** Called (synchronously) whenever the status changes, after stats() reflects the change. */
  onStatus(fn: (status: CameraStatus) => void): void {
    this.statusListeners.add(fn);
  }

  private setStatus(status: CameraStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const fn of this.statusListeners) fn(status);
  }

  start(): void {
    this.stopping = false;
    this.setStatus('starting');
    void this.connect();
    if (this.opts.policy === 'drop-oldest') {
      this.watchdog = setInterval(() => this.checkStall(), 1000);
      this.watchdog.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(killer);
    }
    this.reader?.destroy();
    this.reader = undefined;
    this.setStatus('stopped');
  }

  /** The next decoded frame to process (see FrameRing.take), or undefined when none is ready. */
  take(): FrameRef | undefined {
    return this.ring.take();
  }

  /** Decoded frames waiting to be taken. */
  get waiting(): number {
    return this.ring.waiting;
  }

  /** Whether nothing decoded waits: no frame in the ring and no bytes held back by a full ring. */
  get drained(): boolean {
    return this.ring.waiting === 0 && !this.ring.pending;
  }

  private planFor(width: number, height: number): Letterbox {
    return this.opts.plan ? this.opts.plan(width, height) : letterbox(width, height, this.opts.inputWidth, this.opts.inputHeight);
  }

  /** A ring whose slots hold frames of the planned input size (the old one goes when its frames are released). */
  private fitRing(lb: Letterbox): void {
    const bytes = frameBytes(lb.inputWidth, lb.inputHeight);
    if (bytes === this.ring.frameBytes) return;
    const old = this.ring;
    this.ring = new FrameRing(bytes, old.slotCount, old.policy, this.opts.onDrop);
    this.ring.continueFrom(old);
  }

  /** Give a taken frame back; in backpressure mode this resumes a paused decoder. */
  release(frame: FrameRef): void {
    // A frame of a ring this source has replaced is simply dropped with it.
    if (frame.data.buffer !== this.ring.buffer) return;
    this.ring.release(frame);
    const reader = this.reader;
    if (!this.paused || !reader) return;
    const pending = this.ring.takePending();
    const r = pending ? this.ring.write(pending, this.clock.now()) : { completed: 0, blocked: !this.ring.canWrite() };
    if (!r.blocked) {
      this.paused = false;
      reader.resume();
    }
    this.afterWrite(r.completed);
  }

  stats(): SourceStats {
    return {
      status: this.status,
      framesDecoded: this.ring.written,
      framesDropped: this.ring.dropped,
      reconnects: this.reconnects,
      lastFrameAt: this.lastFrameAt,
      lastError: this.lastError,
      fps: this.status === 'online' ? Math.round(this.fps * 10) / 10 : 0,
    };
  }

  private async connect(): Promise<void> {
    const gen = this.generation;
    const { spec } = this.opts;
    const known = this.replanned;
    this.replanned = undefined;
    try {
      this.info = known && this.info ? { ...this.info, ...known } : await probe(spec);
    } catch (e) {
      if (gen !== this.generation || this.stopping) return;
      return this.fail(isVantageError(e) ? e.message : errorMessage(e));
    }
    if (gen !== this.generation || this.stopping) return;
    const lb = this.planFor(this.info.width, this.info.height);
    this.letterbox = lb;
    this.fitRing(lb);
    const args = buildDecodeArgs(spec, lb, this.opts.padValue, this.info.codec);
    this.log.info({ source: redactUrl(spec.url), width: this.info.width, height: this.info.height, fps: this.info.fps }, 'starting decoder');
    let channel: FrameChannel;
    try {
      channel = await openFrameChannel({
        buffer: () => this.ring.writeTarget() ?? this.spill,
        bytes: (n, buf) => this.onBytes(gen, n, buf),
      });
    } catch (e) {
      return this.fail(`cannot open the frame socket: ${errorMessage(e)}`);
    }
    const { reader, childEnd } = channel;
    if (gen !== this.generation || this.stopping) {
      reader.destroy();
      childEnd.destroy();
      return;
    }
    this.ring.resetPartial();
    this.paused = false;
    let proc: FrameDecoderProcess;
    try {
      proc = spawnFrameDecoder(args, childEnd);
    } catch (e) {
      reader.destroy();
      return this.fail(`cannot start ffmpeg: ${errorMessage(e)}`);
    } finally {
      // The child holds its own copy; ours must go or the reader would never see the end of the stream.
      childEnd.destroy();
    }
    this.proc = proc;
    this.reader = reader;
    // The telling error line is often followed by a generic one (source-diagnostic.ts).
    const errorLines = new ErrorLines();
    onLogLines(proc.stderr, (line) => {
      const entry = parseDecoderLog(line);
      if (entry.kind === 'error') errorLines.add(entry.text);
      else if (entry.kind === 'input-size') this.onInputSize(entry.width, entry.height);
    });
    reader.on('error', (err) => this.log.debug({ err: err.message }, 'frame socket error'));
    proc.on('error', (err: NodeJS.ErrnoException) => {
      errorLines.add(err.code === 'ENOENT' ? ffmpegMissingMessage : err.message);
    });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => proc.on('close', (code, signal) => r([code, signal])));
    this.exited = exited.then(() => undefined);
    // The stream has ended when the process has exited and every byte it wrote has been read.
    const drained = new Promise<void>((r) => reader.once('close', () => r()));
    void Promise.all([exited, drained]).then(([[code, signal]]) => {
      if (this.proc === proc) this.proc = undefined;
      if (this.reader === reader) this.reader = undefined;
      if (this.stopping || gen !== this.generation) return;
      const finishedFile = code === 0 && !spec.loop && !isNetworkUrl(spec.url);
      if (finishedFile) {
        this.setStatus('ended');
        this.log.info({ frames: this.ring.written }, 'source ended');
        for (const fn of this.endListeners) fn();
        return;
      }
      const why =
        errorLines.telling ||
        (signal ? killedMessage(signal) : code === 0 && isNetworkUrl(spec.url) ? streamEndedMessage(redactUrl(spec.url)) : exitMessage(code));
      this.fail(redactUrl(why));
    });
  }

  /**
   * `n` bytes of the decoder's output were read into `buf`: the ring slot being written (commit them)
   * or, while no slot was free, the spill buffer (copy them in). Returns false to pause reading.
   */
  private onBytes(gen: number, n: number, buf: Uint8Array): boolean {
    if (gen !== this.generation) return false;
    const now = this.clock.now();
    const r = buf === this.spill ? this.ring.write(buf.subarray(0, n), now) : this.ring.commit(n, now);
    if (r.blocked) this.paused = true;
    this.afterWrite(r.completed);
    // A consumer called from afterWrite may already have freed a slot and resumed reading.
    return !this.paused;
  }

  /**
   * The scaler reported its input size. A source that changes resolution mid-stream is re-planned:
   * a live (network) source whose new shape wants another model input restarts its decoder at once
   * with the new plan (a camera goes on from where it is). Otherwise (the same input fits, or a file,
   * which would start over) frames keep being scaled into the same content area and boxes are mapped
   * back per axis. Either way the change is reported on the camera.
   */
  private onInputSize(width: number, height: number): void {
    const lb = this.letterbox;
    if (!lb || (width === lb.srcWidth && height === lb.srcHeight)) return;
    const next = this.planFor(width, height);
    const replan = isNetworkUrl(this.opts.spec.url) && (next.inputWidth !== lb.inputWidth || next.inputHeight !== lb.inputHeight);
    const message = resolutionMessage([lb.srcWidth, lb.srcHeight], [width, height], replan ? [next.inputWidth, next.inputHeight] : null);
    this.log.warn({ from: [lb.srcWidth, lb.srcHeight], to: [width, height], input: [next.inputWidth, next.inputHeight], replan }, 'source resolution changed');
    this.lastError = message;
    if (this.info) this.info = { ...this.info, width, height };
    if (!replan) {
      this.letterbox = resized(lb, width, height);
      return;
    }
    // Restart the decoder with the new plan (no probe: the new size is known). The old process's
    // remaining bytes belong to the old generation and are ignored.
    this.generation++;
    const proc = this.proc;
    this.proc = undefined;
    this.reader?.destroy();
    this.reader = undefined;
    proc?.kill('SIGKILL');
    this.replanned = { width, height };
    void this.connect();
  }

  private afterWrite(completed: number): void {
    if (completed === 0) return;
    const now = this.clock.now();
    this.lastFrameAt = now;
    if (this.status !== 'online') {
      this.lastError = null;
      this.backoff.reset();
      this.setStatus('online');
      this.log.info('online');
    }
    this.fpsWindowFrames += completed;
    const span = now - this.fpsWindowStart;
    if (span >= 2000) {
      this.fps = this.fpsWindowStart === 0 ? 0 : (this.fpsWindowFrames * 1000) / span;
      this.fpsWindowStart = now;
      this.fpsWindowFrames = 0;
    } else if (this.fps === 0 && span >= 500 && this.fpsWindowStart !== 0) {
      this.fps = (this.fpsWindowFrames * 1000) / span;
    }
    for (const fn of this.listeners) fn(completed);
  }

  private fail(raw: string): void {
    if (this.stopping) return;
    const message = redactText(raw, [this.opts.spec.url]);
    this.lastError = message;
    this.fps = 0;
    this.fpsWindowStart = 0;
    this.fpsWindowFrames = 0;
    this.setStatus(this.status === 'stalled' ? 'stalled' : 'offline');
    if (this.opts.retry === false) {
      this.log.warn({ err: message }, 'source failed');
      for (const fn of this.endListeners) fn(message);
      return;
    }
    const delay = this.backoff.next();
    this.log.warn({ err: message, retryInMs: delay, attempt: this.backoff.attempts }, 'source failed; retrying');
    this.retryTimer = setTimeout(() => {
      this.reconnects++;
      this.setStatus('offline');
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private checkStall(): void {
    const timeout = this.opts.stallTimeoutMs ?? 10_000;
    if (this.status !== 'online' || this.lastFrameAt === null) return;
    if (this.clock.now() - this.lastFrameAt < timeout) return;
    this.log.warn({ stallTimeoutMs: timeout }, 'no frame within the stall timeout; restarting decoder');
    this.setStatus('stalled');
    this.lastError = stallMessage(Math.round(timeout / 1000));
    this.proc?.kill('SIGKILL');
  }
}
