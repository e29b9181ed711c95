import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CoverageRow, CoverageStore } from '../store/coverage-store.js';
import type { FrameConsumer } from '../pipeline/frame-processor.js';

/** An interval whose coverage is below this share is flagged in reports, CSV, the API and the dashboard. */
export const COVERAGE_MIN = 0.95;

export interface Coverage {
  /** Share (0–1) of the interval's expected frames that were analysed; null for an interval not yet begun. */
  coverage: number | null;
  /** Share (0–1) of the interval the camera was online. */
  online_share: number | null;
  /** Frames analysed in the interval. */
  frames: number;
  /** Expected fps × the interval's seconds; null when the camera never said its frame rate. */
  expected_frames: number | null;
  /** coverage below COVERAGE_MIN. */
  flagged: boolean;
}

const SAMPLE_MS = 1000;
const FLUSH_MS = 5000;

/**
 * Coverage of each live camera, per minute: frames analysed (every frame the tracker saw, inferred or
 * carried) and time online, with the frame rate its source delivers. Fed with every analysed frame
 * (O(1)) and a status sample each second; written every 5 s.
 */
export class CoverageRecorder {
  private pending = new Map<string, CoverageRow>();
  private lastSample: number | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly store: CoverageStore,
    /** Each running camera: online now, and the frame rate its source delivers (0 when unknown). */
    private readonly cameras: () => Array<{ id: string; online: boolean; fps: number }>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.lastSample = this.clock.now();
    const sample = setInterval(() => this.sample(), SAMPLE_MS);
    const flush = setInterval(() => void this.flush(), FLUSH_MS);
    sample.unref();
    flush.unref();
    this.timers.push(sample, flush);
  }

  /** Follows a live camera's frames (see FrameProcessor). */
  consumer(): FrameConsumer {
    return { frame: (f) => this.frame(f.camera, f.timeMs) };
  }

  /** One frame of `camera` analysed at `timeMs` (unix ms). */
  frame(camera: string, timeMs: number): void {
    this.row(camera, Math.floor(timeMs / 60_000)).frames++;
  }

  /** Adds the time since the last sample to every online camera's minutes (split at minute boundaries). */
  sample(): void {
    const now = this.clock.now();
    const last = this.lastSample ?? now;
    this.lastSample = now;
    // A stalled event loop is not time online: at most two sample periods count.
    const from = Math.max(last, now - 2 * SAMPLE_MS);
    for (const c of this.cameras()) {
      if (!c.online) continue;
      for (let t = from; t < now; ) {
        const minute = Math.floor(t / 60_000);
        const end = Math.min(now, (minute + 1) * 60_000);
        const r = this.row(c.id, minute);
        r.online_ms += end - t;
        if (c.fps > 0) r.expected_fps = c.fps;
        t = end;
      }
    }
  }

  /** Writes what was gathered; the store then holds every camera's coverage up to the last sample. */
  flush(): Promise<void> {
    const rows = [...this.pending.values()].map((r) => ({ ...r, online_ms: Math.round(r.online_ms) }));
    this.pending = new Map();
    return this.store.write(rows, this.lastSample ?? this.clock.now()).catch((err: unknown) => {
      for (const r of rows) {
        const p = this.row(r.camera_id, r.minute);
        p.frames += r.frames;
        p.online_ms += r.online_ms;
        p.expected_fps = Math.max(p.expected_fps, r.expected_fps);
      }
      this.log.error({ err }, 'writing coverage failed');
    });
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.sample();
    await this.flush();
  }

  private row(camera: string, minute: number): CoverageRow {
    const key = `${camera}\u0000${minute}`;
    let r = this.pending.get(key);
    if (!r) {
      r = { camera_id: camera, minute, frames: 0, online_ms: 0, expected_fps: 0 };
      this.pending.set(key, r);
    }
    return r;
  }
}

/**
 * Coverage of [from, to) (unix seconds; the part after `now` is not counted) from a camera's
 * per-minute rows: Σ min(frames analysed, fps × seconds) / Σ fps × seconds over the minutes it
 * overlaps, a minute cut by the interval's ends counting its share of frames and time. A minute
 * without a row (camera off or not running) expects `fallbackFps` frames a second and had none.
 */
export function coverageOf(rows: readonly CoverageRow[], from: number, to: number, now: number, fallbackFps: number | undefined): Coverage {
  const end = Math.min(to, now);
  if (!(end > from)) return { coverage: null, online_share: null, frames: 0, expected_frames: null, flagged: false };
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  let analysed = 0;
  let expected = 0;
  let frames = 0;
  let online = 0;
  let fpsKnown = true;
  for (let m = Math.floor(from / 60); m * 60 < end; m++) {
    const overlap = Math.min(end, (m + 1) * 60) - Math.max(from, m * 60);
    if (overlap <= 0) continue;
    const share = overlap / 60;
    const r = byMinute.get(m);
    const fps = r && r.expected_fps > 0 ? r.expected_fps : fallbackFps;
    const f = r ? r.frames * share : 0;
    frames += f;
    online += Math.min(overlap, r ? (r.online_ms / 1000) * share : 0);
    if (fps === undefined) {
      fpsKnown = false;
      continue;
    }
    expected += fps * overlap;
    analysed += Math.min(f, fps * overlap);
  }
  const span = end - from;
  // Never told its frame rate and no frames: nothing was analysed of what was expected.
  const coverage = expected > 0 ? analysed / expected : fpsKnown || frames === 0 ? 0 : null;
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    coverage: coverage === null ? null : round(coverage),
    online_share: round(online / span),
    frames: Math.round(frames),
    expected_frames: fpsKnown ? Math.round(expected) : null,
    flagged: coverage !== null && coverage < COVERAGE_MIN,
  };
}

/**
 * A camera's coverage over [from, to) and over each `resolution`-second bucket of it, up to `now` or
 * the time coverage was last written if earlier (the seconds since are not known yet, not uncovered).
 */
export async function coverageTimeline(
  store: Pick<CoverageStore, 'minutes' | 'expectedFps' | 'writtenUntil'>,
  camera: string,
  from: number,
  to: number,
  resolution: number,
  now: number,
): Promise<{ total: Coverage; buckets: Array<{ from: number; to: number } & Coverage> }> {
  const rows = await store.minutes(camera, Math.floor(from / 60), Math.ceil(to / 60));
  const fps = await store.expectedFps(camera, Math.ceil(to / 60));
  const written = await store.writtenUntil();
  if (written !== undefined) now = Math.min(now, written / 1000);
  const buckets: Array<{ from: number; to: number } & Coverage> = [];
  for (let b = Math.floor(from / resolution) * resolution; b < to; b += resolution) {
    const a = Math.max(b, from);
    const z = Math.min(b + resolution, to);
    buckets.push({ from: b, to: b + resolution, ...coverageOf(rows, a, z, now, fps) });
  }
  return { total: coverageOf(rows, from, to, now, fps), buckets };
}
