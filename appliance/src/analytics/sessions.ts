import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { rm } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { CameraConfig } from '../config/schema.js';
import type { FrameDetector } from '../detect/frame-detector.js';
import { errorMessage } from '../errors.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import { analyzeFile, type AnalysisLimit, type AnalyzeSummary } from '../pipeline/analyze-file.js';
import type { Database, SessionsTable } from '../store/schema.js';
import { FrameProcessor, type FrameConsumer } from '../pipeline/frame-processor.js';
import { CameraTracker } from '../track/camera-tracker.js';
import type { TrackerOptions } from '../track/types.js';
import { isNetworkUrl, videoTimes } from '../sources/ffmpeg.js';
import type { AnalyticsService } from './analytics-service.js';
import type { Reports } from './reports.js';
import { finestResolution, MAX_TIMELINE_BUCKETS } from './report-builder.js';
import { sessionTimeline, type SessionTimeline } from './session-timeline.js';
import { view, type SessionSummary, type SessionView } from './session-view.js';

/** What a session analyses: a file or a stream URL (with zones and lines), or a camera's recorded window. */
export type SessionRequest =
  | { file: string; shapes: Pick<CameraConfig, 'zones' | 'lines'>; countThreshold?: number; durationSeconds?: number; uploaded?: boolean; model?: string }
  | { stream: string; shapes: Pick<CameraConfig, 'zones' | 'lines'>; countThreshold?: number; durationSeconds: number }
  | { camera: string; from: number; to: number };

/**
 * Analysis jobs. A `file` session runs a video through decode → detect → track → analytics as fast as
 * the detector allows, under its own camera id (`session-<id>`), with its frames stored at the
 * session's creation + their offset into the video (so retention keeps them with the session); the
 * file's own clock (its creation_time) is kept beside them and its timeline is served in video time
 * (session-timeline.ts); it ends with a report. A `camera` session is a report over what a camera
 * already recorded in a time window. A `stream` session runs a stream URL (not a configured camera)
 * through the same path for a number of seconds, timed from when it starts; cancelling it while it
 * runs ends it early with its report. Sessions run one at a time, so live cameras keep their share of
 * the detector; a failed session keeps its error, and the others go on.
 */
export class Sessions {
  private readonly running = new Map<string, AbortController>();
  /** Stream sessions' early, normal end (cancel while running) and when their run has finished. */
  private readonly finishing = new Map<string, { finish: AbortController; done: Promise<void> }>();
  /** The session whose analysis is under way (the others that were started are waiting for it). */
  private current: string | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly deps: {
      detector: FrameDetector;
      /** The detector of another loaded model's manifest (a session's `model`); without it every session runs on `detector`. */
      detectorFor?: (manifest: string) => Promise<FrameDetector>;
      trackerOptions: TrackerOptions;
      countThreshold: number;
      analytics: AnalyticsService;
      reports: Reports;
      /** A session's frames and track lifecycle go to these, in order (stored like a camera's); flushed before the report. */
      consumers: readonly FrameConsumer[];
      bus: EventBus;
      log: Logger;
      clock: Clock;
      /** Where uploaded videos are kept (deleted with their session). */
      uploadsDir?: string;
      /** Told when a session is removed (its browser copy of the video goes too). */
      onRemove?: (id: string) => Promise<void>;
    },
  ) {}

  /** `uploaded`: only the upload route sets it, for the file it has just written. */
  async create(req: SessionRequest): Promise<SessionView> {
    const now = this.deps.clock.now();
    const id = randomUUID();
    const base = { id, camera_id: null, range_from: null, range_to: null, status: 'created', progress: 0, error: null, created_at: now, started_at: null, finished_at: null, report_id: null, uploaded: 0, duration_s: null, count_threshold: null, summary: null } as const;
    const row: SessionsTable =
      'file' in req
        ? { ...base, kind: 'file', source: req.file, shapes: JSON.stringify(req.shapes), uploaded: req.uploaded ? 1 : 0, duration_s: req.durationSeconds ?? null, count_threshold: req.countThreshold ?? null, ...(req.model ? { model: req.model } : {}) }
        : 'stream' in req
          ? { ...base, kind: 'stream', source: req.stream, shapes: JSON.stringify(req.shapes), duration_s: req.durationSeconds, count_threshold: req.countThreshold ?? null }
          : { ...base, kind: 'camera', source: req.camera, camera_id: req.camera, range_from: req.from, range_to: req.to, shapes: null };
    await this.db.insertInto('sessions').values(row).execute();
    return view(row);
  }

  async get(id: string): Promise<SessionView | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? view(row) : undefined;
  }

  async list(limit: number): Promise<SessionView[]> {
    return (await this.db.selectFrom('sessions').selectAll().orderBy('created_at', 'desc').limit(limit).execute()).map(view);
  }

  /** A file or stream session's timeline and events in video time; null for a camera session or one not started yet. */
  async timeline(id: string): Promise<SessionTimeline | null | undefined> {
    const s = await this.get(id);
    if (!s) return undefined;
    return (await sessionTimeline(this.db, this.deps.analytics.store, s)) ?? null;
  }

  /** Queues a created session; returns at once. */
  async start(id: string): Promise<SessionView | 'not-startable' | undefined> {
    const s = await this.get(id);
    if (!s) return undefined;
    if (s.status !== 'created') return 'not-startable';
    await this.update(id, { status: 'running', started_at: this.deps.clock.now() });
    const abort = new AbortController();
    const finish = new AbortController();
    this.running.set(id, abort);
    this.queue = this.queue.then(() => this.run(id, abort.signal, finish.signal)).finally(() => {
      this.running.delete(id);
      this.finishing.delete(id);
    });
    if (s.kind === 'stream') this.finishing.set(id, { finish, done: this.queue });
    return (await this.get(id))!;
  }

  /** Whether the session's analysis is under way now (a started one may be waiting for another). */
  isActive(id: string): boolean {
    return this.current === id;
  }

  async cancel(id: string): Promise<SessionView | undefined> {
    const s = await this.get(id);
    if (!s) return undefined;
    const stream = this.finishing.get(id);
    if (stream && this.current === id) {
      // A stream being analysed ends now, with its report over what was seen.
      stream.finish.abort();
      await stream.done.catch(() => undefined);
    } else if (s.status === 'running' || s.status === 'created') {
      this.running.get(id)?.abort();
      await this.update(id, { status: 'cancelled', finished_at: this.deps.clock.now() });
      this.deps.bus.emit({ type: 'analysis.failed', session: id, error: 'cancelled' });
    }
    return this.get(id);
  }

  /** Removes the session and everything it produced. */
  async remove(id: string): Promise<boolean> {
    const s = await this.get(id);
    if (!s) return false;
    this.running.get(id)?.abort();
    if (s.kind !== 'camera') {
      await this.deps.analytics.store.deleteCamera(`session-${id}`);
      // An uploaded video goes with its session; a file that was already on the appliance stays.
      if (s.uploaded && this.deps.uploadsDir && ownedUpload(s.source, this.deps.uploadsDir)) await rm(s.source, { force: true });
      else if (s.uploaded) this.deps.log.warn({ session: id, file: s.source }, 'session file is not an upload of this appliance; kept');
    }
    await this.deps.onRemove?.(id);
    await this.db.transaction().execute(async (trx) => {
      if (s.report_id) await trx.deleteFrom('reports').where('id', '=', s.report_id).execute();
      await trx.deleteFrom('sessions').where('id', '=', id).execute();
    });
    return true;
  }

  /** Waits for queued and running sessions (shutdown), cancelling them first. */
  async stop(): Promise<void> {
    for (const a of this.running.values()) a.abort();
    await this.queue.catch(() => undefined);
  }

  private async run(id: string, signal: AbortSignal, finish: AbortSignal): Promise<void> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const s = view(row);
    if (signal.aborted) return;
    const { bus, log } = this.deps;
    this.current = id;
    bus.emit({ type: 'analysis.started', session: id });
    try {
      const threshold = s.count_threshold ?? this.deps.countThreshold;
      const limit = s.duration === null ? undefined : { maxMs: s.duration * 1000, finish };
      const reportId =
        s.kind === 'file'
          ? await this.runFile(id, s.source, Date.parse(s.created_at), s.shapes, threshold, signal, limit, s.model ?? undefined)
          : s.kind === 'stream'
            ? await this.runFile(id, row.source, this.deps.clock.now(), s.shapes, threshold, signal, limit)
            : await this.runCamera(s);
      await this.update(id, { status: 'completed', progress: 100, finished_at: this.deps.clock.now(), report_id: reportId });
      bus.emit({ type: 'analysis.completed', session: id, report: reportId });
    } catch (e) {
      if (signal.aborted) return; // cancel() already recorded it
      const message = errorMessage(e);
      log.warn({ session: id, err: message }, 'analysis session failed');
      await this.update(id, { status: 'failed', error: message, finished_at: this.deps.clock.now() });
      bus.emit({ type: 'analysis.failed', session: id, error: message });
    } finally {
      this.current = undefined;
    }
  }

  private async runFile(
    id: string,
    file: string,
    baseMs: number,
    shapes: Pick<CameraConfig, 'zones' | 'lines'>,
    countThreshold: number,
    signal: AbortSignal,
    limit?: AnalysisLimit,
    model?: string,
  ): Promise<string> {
    if (!isNetworkUrl(file) && (!existsSync(file) || !statSync(file).isFile())) throw new Error(`no such file: ${file}`);
    const camera = `session-${id}`;
    const { analytics, bus } = this.deps;
    const detector = model && this.deps.detectorFor ? await this.deps.detectorFor(model) : this.deps.detector;
    // Events are stored at base + offset into the video (base: the session's creation, so retention
    // keeps them with the session); the file's own clock (creation_time) is kept beside them.
    const times = isNetworkUrl(file) ? { createdMs: null, durationMs: null } : await videoTimes(file);
    await this.update(id, { video_base_ms: baseMs, video_start_ms: times.createdMs, video_duration_ms: times.durationMs });
    await analytics.attachSession(camera, shapes);
    let next = 1;
    const processor = new FrameProcessor({
      camera,
      tracker: new CameraTracker(this.deps.trackerOptions, () => next++),
      countThreshold,
      className: (c) => detector.className(c),
      consumers: this.deps.consumers,
      baseMs,
    });
    let lastProgress = 0;
    let summary: AnalyzeSummary;
    try {
      summary = await analyzeFile(file, detector, {
        countThreshold,
        log: this.deps.log.child({ session: id }),
        signal,
        ...(limit ? { limit } : {}),
        processor,
        onProgress: (frames, total) => {
          // The share of the frames, or of the duration to analyse (a stream's only measure), done so far.
          const p = Math.min(99, Math.floor(100 * Math.max(total ? frames / total : 0, limit ? (processor.lastTimeMs - baseMs) / limit.maxMs : 0)));
          if (p >= lastProgress + 5) {
            lastProgress = p;
            bus.emit({ type: 'analysis.progress', session: id, progress: p });
            void this.update(id, { progress: p });
          }
        },
      });
    } finally {
      processor.end();
      await analytics.detachSession(camera, processor.lastTimeMs);
      await processor.flush();
    }
    const lastMs = processor.lastTimeMs;
    const report = await this.deps.reports.generate('session', [camera], Math.floor(baseMs / 1000), Math.ceil(lastMs / 1000) + 1, 60);
    const measured: SessionSummary = { frames: summary.frames, seconds: summary.seconds, fps: summary.fps, width: summary.width, height: summary.height, source_fps: summary.sourceFps, detections: summary.classes };
    const analysedMs = summary.sourceFps > 0 ? Math.round((summary.frames * 1000) / summary.sourceFps) : null;
    await this.update(id, { summary: JSON.stringify(measured), ...(analysedMs ? { video_duration_ms: analysedMs } : {}) });
    return report.id;
  }

  private async runCamera(s: SessionView): Promise<string> {
    const from = Math.floor(Date.parse(s.from!) / 1000);
    const to = Math.floor(Date.parse(s.to!) / 1000);
    const resolution = finestResolution(from, to);
    if (!resolution) throw new Error(`the range ${s.from} – ${s.to} needs more than ${MAX_TIMELINE_BUCKETS} timeline buckets`);
    const report = await this.deps.reports.generate('session', [s.camera_id!], from, to, resolution);
    return report.id;
  }

  private async update(id: string, patch: Partial<SessionsTable>): Promise<void> {
    await this.db.updateTable('sessions').set(patch).where('id', '=', id).execute();
  }
}

/**
 * True only for a regular file directly inside the uploads folder, named by a normal path: the
 * resolved real path of the file's folder is the uploads folder's, and the file itself is no link.
 */
export function ownedUpload(file: string, uploadsDir: string): boolean {
  if (!isAbsolute(file) || normalize(file) !== file || basename(file).startsWith('.')) return false;
  try {
    const st = lstatSync(file);
    if (!st.isFile()) return false;
    return realpathSync(dirname(file)) === realpathSync(uploadsDir) && realpathSync(file) === join(realpathSync(uploadsDir), basename(file));
  } catch {
    return false;
  }
}
