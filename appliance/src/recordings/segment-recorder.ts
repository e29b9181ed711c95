import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { Backoff } from '../sources/backoff.js';
import { endProcess, isNetworkUrl, onLogLines, spawnRecorder, type RecorderProcess, type SourceSpec } from '../sources/ffmpeg.js';
import { buildRecordArgs, parseSegmentLine } from '../sources/record-args.js';
import { redactText } from '../util/redact.js';

/** A finished segment file of one recorder run, timed on the wall clock (unix ms). */
export interface FinishedSegment {
  /** Relative to the recordings folder: `<camera>/<run>-<n>.ts`. */
  path: string;
  startMs: number;
  endMs: number;
  bytes: number;
  run: number;
}

/** SIGTERM → exit takes a recorder tens of ms (it writes its segment's end); one not gone by then is killed. */
const RECORDER_GRACE_MS = 3000;

/** The stream time of a run drifting this far from the wall clock re-anchors it (a long stall); a busy event loop reading the line late stays below it. */
const REANCHOR_MS = 30_000;

/**
 * One camera's recorder: an ffmpeg that copies the camera's stream (`record_source ?? source`) into
 * ~4 s MPEG-TS segments under `<root>/<camera>/`, restarted with backoff when it ends. Each finished
 * segment is reported once with its wall-clock span: a run's stream time is anchored to the wall
 * clock when its first segment finishes, so consecutive segments of a run meet exactly.
 */
export class SegmentRecorder {
  private child: RecorderProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly backoff = new Backoff(1000, 30_000);
  private lastError: string | null = null;

  constructor(
    private readonly camera: string,
    private readonly spec: SourceSpec,
    private readonly root: string,
    private readonly onSegment: (s: FinishedSegment) => void,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get error(): string | null {
    return this.lastError;
  }

  start(): void {
    this.stopped = false;
    this.spawn();
  }

  /**
   * Stops ffmpeg gracefully (it finishes and reports the segment it was writing); SIGKILL after
   * RECORDER_GRACE_MS, short enough that a daemon's stop still ends within the CLI's 5 s.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await endProcess(child, new Promise((r) => child.once('close', r)), RECORDER_GRACE_MS);
  }

  private spawn(): void {
    const dir = join(this.root, this.camera);
    mkdirSync(dir, { recursive: true });
    // The run id (ms at start) names the files, so a new run never overwrites an old one's.
    const run = this.clock.now();
    const args = buildRecordArgs(this.spec, join(dir, `${run}-%06d.ts`));
    const child = (this.child = spawnRecorder(args));
    let anchor: number | undefined;
    let segments = 0;
    const startedAt = this.clock.now();
    onLogLines(child.stdout, (line) => {
      const seg = parseSegmentLine(line);
      if (!seg) return;
      const now = this.clock.now();
      // The muxer closes a segment when the next one's first packet arrives: about now, for a live stream.
      if (anchor === undefined || Math.abs(anchor + seg.end * 1000 - now) > REANCHOR_MS) anchor = now - seg.end * 1000;
      let bytes = 0;
      try {
        bytes = statSync(join(dir, seg.file)).size;
      } catch {
        return; // already gone (deleted by retention while the line was on its way)
      }
      segments++;
      this.backoff.reset();
      this.lastError = null;
      this.onSegment({ path: `${this.camera}/${seg.file}`, startMs: anchor + seg.start * 1000, endMs: anchor + seg.end * 1000, bytes, run });
    });
    onLogLines(child.stderr, (line) => {
      if (line.trim()) this.lastError = redactText(line.trim(), [this.spec.url]).slice(0, 500);
    });
    child.on('error', (err) => (this.lastError = err.message));
    child.on('close', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopped) return;
      // A file camera that does not loop has ended, as its analysis has: recording it again would repeat it.
      if (code === 0 && !this.spec.loop && !isNetworkUrl(this.spec.url)) return void this.log.info({ camera: this.camera, segments }, 'recorded to the end of the file');
      const delay = this.backoff.next();
      this.log.warn({ camera: this.camera, code, signal, segments, ran_ms: this.clock.now() - startedAt, error: this.lastError, retry_ms: delay }, 'recorder ended; restarting');
      this.timer = setTimeout(() => this.spawn(), delay);
      this.timer.unref();
    });
  }
}
