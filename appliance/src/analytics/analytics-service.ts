import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { AnalyticsConfig, CameraConfig } from '../config/schema.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { FrameConsumer } from '../pipeline/frame-processor.js';
import { AnalyticsStore, type EventRow } from '../store/analytics-store.js';
import { EVENT_TYPES, type EventTypeSpec } from '../store/event-types.js';
import type { Database } from '../store/schema.js';
import type { TrackSnapshot } from '../track/types.js';
import { CameraAnalytics } from './camera-analytics.js';
import { HeatmapAccumulator } from './heatmap.js';
import type { AnalyticsEvent } from './zone-engine.js';

/**
 * The analytic engines of every camera and session (zones, lines, heatmaps, minute counts, …): fed by
 * the frame processor on the hot path (in memory, O(1) per track update), written to SQLite in one
 * transaction per flush (the appliance's Flusher calls `flush` every 5 s, and at stop).
 */
export class AnalyticsService {
  readonly store: AnalyticsStore;
  private readonly heatmap: HeatmapAccumulator;
  private readonly cameras = new Map<string, CameraAnalytics>();
  /** Each camera's zones and lines as JSON, to tell a shape change from none. */
  private readonly shapes = new Map<string, string>();
  private events: EventRow[] = [];
  /** Minute rows of cameras already closed, waiting for the next flush. */
  private pendingMinutes: ReturnType<CameraAnalytics['drainMinutes']> = [];
  private flushing: Promise<void> = Promise.resolve();
  /** Engines' state across cameras (EngineSetup.shared). */
  private readonly shared = new Map<string, unknown>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cfg: AnalyticsConfig,
    private readonly className: (classId: number) => string,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.store = new AnalyticsStore(db);
    this.heatmap = new HeatmapAccumulator({ width: cfg.heatmap_width, height: cfg.heatmap_height });
  }

  /**
   * Zone/line definitions of the running cameras; a camera whose shapes changed starts afresh.
   * Analysis sessions (ids starting with `session-`) are attached and detached on their own.
   */
  async setCameras(cameras: readonly CameraConfig[]): Promise<void> {
    const now = this.clock.now();
    const wanted = new Set(cameras.map((c) => c.id));
    for (const [id, ca] of this.cameras) {
      if (!wanted.has(id) && !isSession(id)) this.closeCamera(ca, now);
    }
    for (const cam of cameras) {
      const prev = this.cameras.get(cam.id);
      const shapes = JSON.stringify([cam.zones, cam.lines, cam.speed]);
      if (prev && this.shapes.get(cam.id) === shapes) continue;
      if (prev) this.closeCamera(prev, now);
      this.cameras.set(cam.id, new CameraAnalytics(cam.id, this.counted(cam), this.cfg.hysteresis_frames, this.heatmap, this.className, undefined, this.site()));
      this.shapes.set(cam.id, shapes);
    }
    await this.db.transaction().execute(async (trx) => {
      for (const table of ['zones', 'lines'] as const) {
        await trx.deleteFrom(table).where('camera_id', 'not like', 'session-%').execute();
        const rows = cameras.flatMap((c) =>
          (table === 'zones' ? c.zones : c.lines).map((s) => ({ camera_id: c.id, id: s.id, name: s.name ?? s.id, points: JSON.stringify(s.points), updated_at: now })),
        );
        if (rows.length) await trx.insertInto(table).values(rows).execute();
      }
    });
  }

  /**
   * Zones and lines as counted: one that names no classes counts analytics.count_classes (people and
   * vehicles by default) — unless that list is empty or the model knows none of its classes.
   */
  private counted<S extends Pick<CameraConfig, 'zones' | 'lines'>>(shapes: S): S {
    const known = new Set<string>();
    for (let i = 0; i < 4096; i++) {
      const n = this.className(i);
      if (!n || n === `class${i}`) break;
      known.add(n);
    }
    const list = this.cfg.count_classes.filter((c) => known.has(c));
    if (!list.length) return shapes;
    return { ...shapes, zones: shapes.zones.map((z) => (z.classes ? z : { ...z, classes: list })), lines: shapes.lines.map((l) => (l.classes ? l : { ...l, classes: list })) };
  }

  /** What every camera's engines share: the analytics config, the cross-camera state and the site's time zone. */
  private site(): { config: AnalyticsConfig; shared: Map<string, unknown>; siteTimezone: () => string } {
    return { config: this.cfg, shared: this.shared, siteTimezone: () => this.timezone() };
  }

  private timezone: () => string = () => '';

  /** The site's time zone from now on (the runtime settings'; '' = the box's); call before the cameras start. */
  useSiteTimezone(tz: () => string): void {
    this.timezone = tz;
  }

  /** An analysis session's camera id with its zones and lines. */
  async attachSession(id: string, shapes: Pick<CameraConfig, 'zones' | 'lines'>): Promise<void> {
    const now = this.clock.now();
    this.cameras.set(id, new CameraAnalytics(id, this.counted(shapes), this.cfg.hysteresis_frames, this.heatmap, this.className, undefined, this.site()));
    for (const [table, list] of [['zones', shapes.zones], ['lines', shapes.lines]] as const) {
      const rows = list.map((s) => ({ camera_id: id, id: s.id, name: s.name ?? s.id, points: JSON.stringify(s.points), updated_at: now }));
      if (rows.length) await this.db.insertInto(table).values(rows).execute();
    }
  }

  /** Closes a session's open visits (at its own stream time) and writes everything it produced. */
  async detachSession(id: string, endMs: number): Promise<void> {
    const ca = this.cameras.get(id);
    if (ca) this.closeCamera(ca, endMs);
    await this.flush();
  }

  /** The frame consumer that feeds this service: each frame's tracks, and track ends (their visits close). */
  consumer(): FrameConsumer {
    return {
      trackEvent: (camera, e) => {
        if (e.type === 'track.end') this.onTrackEnd(camera, e.track.id, e.track.lastSeen * 1000);
      },
      frame: (f) => this.onFrame(f.camera, f.tracks, f.timeMs, f.result.letterbox.srcWidth, f.result.letterbox.srcHeight),
    };
  }

  /** Hot path: one frame's confirmed tracks (t in ms). */
  onFrame(camera: string, tracks: readonly TrackSnapshot[], timeMs: number, width: number, height: number): void {
    const ca = this.cameras.get(camera);
    if (!ca) return;
    this.record(camera, ca.onFrame(tracks, timeMs / 1000, width, height));
  }

  onTrackEnd(camera: string, trackId: number, timeMs: number): void {
    const ca = this.cameras.get(camera);
    if (ca) this.record(camera, ca.onTrackEnd(trackId, timeMs / 1000));
  }

  /** `{ analytics: { <engine>: figures } }` for the camera's engines with live figures (a plug-in's); `{}` when none has any. */
  liveSection(camera: string): { analytics?: Record<string, unknown> } {
    const live = this.cameras.get(camera)?.live() ?? {};
    return Object.keys(live).length ? { analytics: live } : {};
  }

  occupancy(camera: string): Record<string, Record<string, number>> {
    return this.cameras.get(camera)?.occupancy() ?? {};
  }

  /** Writes everything accumulated so far; safe to call concurrently (flushes queue up). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow()).catch((err: unknown) => this.log.error({ err }, 'analytics flush failed'));
    return this.flushing;
  }

  /** Closes open visits and writes everything. */
  async stop(): Promise<void> {
    const now = this.clock.now();
    for (const ca of this.cameras.values()) this.closeCamera(ca, now);
    await this.flush();
  }

  private closeCamera(ca: CameraAnalytics, now: number): void {
    this.record(ca.cameraId, ca.flush(now / 1000));
    this.pendingMinutes.push(...ca.drainMinutes());
    this.cameras.delete(ca.cameraId);
    this.shapes.delete(ca.cameraId);
  }

  private record(camera: string, events: AnalyticsEvent[]): void {
    for (const e of events) {
      this.bus.emit({ ...e, camera });
      const spec: EventTypeSpec = EVENT_TYPES[e.type];
      const fields = e as Partial<Record<string, unknown>>;
      this.events.push({
        ts: Math.round(e.t * 1000),
        camera_id: camera,
        type: e.type,
        target: fields[spec.target] as string,
        track_id: 'trackId' in e ? e.trackId : null,
        class_name: 'className' in e ? e.className : null,
        direction: 'direction' in e ? e.direction : null,
        value: spec.value ? (fields[spec.value.field] as number) : null,
      });
    }
  }

  private async flushNow(): Promise<void> {
    const events = this.events;
    this.events = [];
    const minutes = this.pendingMinutes;
    this.pendingMinutes = [];
    for (const ca of this.cameras.values()) minutes.push(...ca.drainMinutes());
    const heatmaps = this.heatmap.drain().map(({ key, grid }) => ({ camera: key.camera, className: key.className, kind: key.kind, bucket: key.bucket, grid }));
    try {
      await this.store.write({ events, minutes, heatmaps });
    } catch (e) {
      // Keep what could not be written for the next flush, so a transient error loses nothing.
      this.events = events.concat(this.events);
      this.pendingMinutes = minutes.concat(this.pendingMinutes);
      throw e;
    }
  }
}

function isSession(id: string): boolean {
  return id.startsWith('session-');
}
