import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type SQLite from 'better-sqlite3';
import { isDeepStrictEqual } from 'node:util';
import type { Clock } from '../clock.js';
import { recordSchema, type CameraConfig, type RecordConfig } from '../config/schema.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { FrameConsumer } from '../pipeline/frame-processor.js';
import type { SourceSpec } from '../sources/ffmpeg.js';
import { SEGMENT_SECONDS } from '../sources/record-args.js';
import { RECORDED_EVENT_TYPES, RecordingIndex, type BoxRow, type SegmentRow } from '../store/recording-index.js';
import { Clips, type Clip } from './clips.js';
import { gapsOf, vodPlaylist } from './playlist.js';
import { EVENT_LAG_MS, RecordingStorage } from './recording-storage.js';
import { SegmentRecorder } from './segment-recorder.js';

/** Housekeeping (events-mode pruning, disk share) this often. */
const TICK_MS = 10_000;
const DEFAULTS: RecordConfig = recordSchema.parse({});

/** What a clip request finds: the clip, nothing recorded, or the post roll still being recorded. */
export type ClipResult = { clip: Clip } | { missing: string } | { pending: string; retryAfterSeconds: number };

/**
 * Recordings (issue 17): per camera with `record.mode` events or continuous, a SegmentRecorder writes
 * the stream as MPEG-TS segments (stream copy) which are indexed in SQLite; events mode keeps only the
 * segments an analytic event (line crossing, zone entry) or an alert claims with its pre/post roll;
 * storage keeps each camera under its days and disk share. Serves segments, HLS playlists, clips and
 * thumbnails to the API. A service: the composition root builds it, adds `consumer()` to the live
 * cameras' consumers (after analytics: it keeps the box of each event's object for thumbnails), makes
 * it a follower of the camera set (`apply`), and starts and stops it.
 */
export class Recordings {
  readonly index: RecordingIndex;
  readonly storage: RecordingStorage;
  private readonly clips: Clips;
  private readonly recorders = new Map<string, { recorder: SegmentRecorder; spec: SourceSpec }>();
  private configs = new Map<string, CameraConfig>();
  /** Events waiting for their frame's boxes (the consumer sees that frame right after analytics). */
  private pending: Array<{ camera: string; ts: number; trackId: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private disk: number | undefined;
  private diskReadAt = 0;
  private started = false;

  constructor(
    readonly root: string,
    raw: SQLite.Database,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** False for a camera that may record nothing (privacy.metadata_only). */
    private readonly allowed: (camera: string) => boolean = () => true,
  ) {
    this.index = new RecordingIndex(raw);
    this.storage = new RecordingStorage(root, this.index, (id) => this.settings(id), log);
    this.clips = new Clips(root, this.index);
  }

  /** Repairs the folder and index (before any recorder runs), then follows events and alerts. */
  async start(): Promise<void> {
    await this.storage.repair();
    this.unsubscribe = this.bus.subscribe((e) => {
      if ((RECORDED_EVENT_TYPES as readonly string[]).includes(e.type) && 'trackId' in e && 'camera' in e && typeof e.camera === 'string' && this.recording(e.camera)) {
        this.pending.push({ camera: e.camera, ts: Math.round(e.t * 1000), trackId: e.trackId });
        if (this.pending.length > 1000) this.pending.shift();
      }
    });
    this.timer = setInterval(() => void this.tick().catch((err: unknown) => this.log.error({ err }, 'recordings housekeeping failed')), TICK_MS);
    this.timer.unref();
    this.started = true;
    await this.apply([...this.configs.values()]);
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await Promise.all([...this.recorders.values()].map((r) => r.recorder.stop()));
    this.recorders.clear();
  }

  /** The effective cameras (a camera-set follower): recorders start, restart or stop to match. */
  async apply(cameras: readonly CameraConfig[]): Promise<void> {
    this.configs = new Map(cameras.map((c) => [c.id, c]));
    if (!this.started) return;
    for (const [id, r] of [...this.recorders]) {
      const cam = this.configs.get(id);
      if (!cam || !this.recording(id) || !isDeepStrictEqual(specOf(cam), r.spec)) {
        await r.recorder.stop();
        this.recorders.delete(id);
      }
    }
    for (const cam of cameras) {
      if (!this.recording(cam.id) || this.recorders.has(cam.id)) continue;
      const spec = specOf(cam);
      const recorder = new SegmentRecorder(cam.id, spec, this.root, (s) => this.onSegment(cam.id, s), this.clock, this.log.child({ camera: cam.id }));
      this.recorders.set(cam.id, { recorder, spec });
      recorder.start();
      this.log.info({ camera: cam.id, mode: cam.record.mode }, 'recording');
    }
  }

  /** A live camera's frames: the boxes of the objects behind this frame's events. */
  consumer(): FrameConsumer {
    return {
      frame: (f) => {
        if (!this.pending.length) return;
        const lb = f.result.letterbox;
        this.pending = this.pending.filter((p) => {
          if (p.camera !== f.camera) return true;
          const t = f.tracks.find((x) => x.id === p.trackId);
          if (t) this.index.addBox(p.camera, p.ts, p.trackId, { x1: t.box.x1 / lb.srcWidth, y1: t.box.y1 / lb.srcHeight, x2: t.box.x2 / lb.srcWidth, y2: t.box.y2 / lb.srcHeight });
          return false;
        });
      },
    };
  }

  /** Recorders' pids (the bench measures their CPU). */
  pids(): number[] {
    return [...this.recorders.values()].flatMap((r) => (r.recorder.pid === undefined ? [] : [r.recorder.pid]));
  }

  /** A camera's record settings (defaults for one no longer configured). */
  settings(camera: string): RecordConfig {
    return this.configs.get(camera)?.record ?? DEFAULTS;
  }

  // ---- the API's view ----

  /** Segments overlapping [from, to) (unix ms) and the spans between them not recorded. */
  segments(camera: string, from: number, to: number): { segments: Array<{ id: number; start: number; end: number; bytes: number }>; gaps: Array<{ from: number; to: number }> } {
    const rows = this.index.range(camera, from, to);
    return { segments: rows.map((s) => ({ id: s.id, start: s.start_ms, end: s.end_ms, bytes: s.bytes })), gaps: gapsOf(rows, from, to) };
  }

  /** An HLS VOD playlist of [from, to) whose URIs are `uri(id)`; undefined when nothing is recorded there. */
  playlist(camera: string, from: number, to: number, uri: (id: number) => string): string | undefined {
    const rows = this.index.range(camera, from, to);
    return rows.length ? vodPlaylist(rows, uri) : undefined;
  }

  /** A segment's file and size (only a file the index names). */
  segmentFile(id: number): { path: string; size: number } | undefined {
    const row = this.index.get(id);
    if (!row) return undefined;
    const path = join(this.root, row.path);
    return existsSync(path) ? { path, size: statSync(path).size } : undefined;
  }

  /**
   * The clip of an analytic event (`kind` 'event', id from GET /api/v1/events) or of an alert
   * (`kind` 'notification', id from GET /api/v1/notifications): the event's moment with the camera's
   * pre/post roll, remuxed to MP4 (cached).
   */
  async clip(kind: 'event' | 'notification', id: number): Promise<ClipResult> {
    const row = kind === 'event' ? this.index.event(id) : this.index.notification(id);
    if (!row) return { missing: `no ${kind} ${id}` };
    if (!row.camera_id) return { missing: `${kind} ${id} belongs to no camera, so nothing of it is recorded` };
    const s = this.settings(row.camera_id);
    const from = row.ts - s.pre_seconds * 1000;
    const to = row.ts + s.post_seconds * 1000;
    const segs = this.index.range(row.camera_id, from, to);
    const recordedTo = segs.length ? segs[segs.length - 1]!.end_ms : -Infinity;
    const wait = to + SEGMENT_SECONDS * 2000 + EVENT_LAG_MS - this.clock.now();
    if (recordedTo < to && wait > 0 && this.recorders.has(row.camera_id)) {
      return { pending: `the ${kind}'s post roll is still being recorded`, retryAfterSeconds: Math.max(1, Math.ceil(Math.min(wait, to - this.clock.now() + SEGMENT_SECONDS * 2000) / 1000)) };
    }
    if (!segs.length) return { missing: `${kind} ${id} was not recorded (camera "${row.camera_id}" record.mode is ${s.mode}, or its recording was deleted)` };
    const clip = await this.clips.clip(`${kind}-${id}`, row.camera_id, from, to);
    return clip ? { clip } : { missing: `${kind} ${id} was not recorded` };
  }

  /**
   * For other services (Telegram sendVideo, MQTT clip announcements): the MP4 file of an event's or
   * alert's clip, or null while it is not (yet) recorded. Call again after the post roll when null.
   */
  async clipFor(kind: 'event' | 'notification', id: number): Promise<string | null> {
    const r = await this.clip(kind, id);
    return 'clip' in r ? r.clip.path : null;
  }

  /** The frame at event `id`'s moment with its object's box drawn (JPEG), or a reason it is missing. */
  async thumbnail(id: number): Promise<{ jpeg: Buffer } | { missing: string }> {
    const row = this.index.event(id);
    if (!row) return { missing: `no event ${id}` };
    const box: BoxRow | undefined = row.track_id === null ? undefined : this.index.box(row.camera_id, row.ts, row.track_id);
    const jpeg = await this.clips.thumbnail(row.camera_id, row.ts, box, row.track_id === null ? '' : `#${row.track_id}`);
    return jpeg ? { jpeg } : { missing: `the moment of event ${id} was not recorded` };
  }

  /** Retention's share of the recordings (store/retention.ts calls it). */
  async applyRetention(): Promise<number> {
    this.index.pruneBoxes(this.clock.now() - 400 * 86_400_000);
    return this.storage.applyRetention(this.clock.now());
  }

  /** The disk runs low (store/disk-guard.ts through retention): the oldest recordings go. */
  reclaim(): Promise<number> {
    return this.storage.reclaim();
  }

  /** Bytes of all recordings (the disk guard reports them). */
  bytes(): number {
    let n = 0;
    for (const b of this.index.bytesByCamera().values()) n += b;
    return n;
  }

  private recording(camera: string): boolean {
    const cam = this.configs.get(camera);
    return cam !== undefined && cam.enabled && cam.record.mode !== 'off' && this.allowed(camera);
  }

  private onSegment(camera: string, s: { path: string; startMs: number; endMs: number; bytes: number; run: number }): void {
    this.index.add({ camera_id: camera, start_ms: s.startMs, end_ms: s.endMs, bytes: s.bytes, path: s.path, run: s.run });
    void this.enforceShare(camera).catch((err: unknown) => this.log.error({ err, camera }, 'recordings disk share failed'));
  }

  /** Keeps a camera under its share of the disk, checked on every new segment. */
  private async enforceShare(camera: string): Promise<void> {
    const now = this.clock.now();
    if (this.disk === undefined || now - this.diskReadAt > 60_000) {
      this.disk = await this.storage.diskBytes();
      this.diskReadAt = now;
    }
    if (this.disk === undefined) return;
    await this.storage.trim(camera, this.index.bytesByCamera().get(camera) ?? 0, this.disk * this.settings(camera).max_share_of_disk);
  }

  private async tick(): Promise<void> {
    const now = this.clock.now();
    for (const cam of this.configs.values()) {
      if (cam.record.mode === 'events') await this.storage.pruneUnclaimed(cam.id, now);
    }
    // An event whose frame never came (the camera stopped): its box is not waited for.
    this.pending = this.pending.filter((p) => now - p.ts < 10_000);
  }
}

/** What a camera's recorder opens: `record_source ?? source`, paced in real time (a file is played as a camera would send it). */
function specOf(c: CameraConfig): SourceSpec {
  return { url: c.record_source ?? c.source, loop: c.loop, realtime: true, rtspTransport: c.rtsp_transport };
}

export type { SegmentRow };

/** The recordings folder: `recordings/` beside the database (a per-process temporary folder for an in-memory one). */
export function recordingsDir(dbPath: string): string {
  return dbPath === ':memory:' || dbPath === '' ? join(tmpdir(), `vantage-recordings-${process.pid}`) : join(dirname(dbPath), 'recordings');
}
