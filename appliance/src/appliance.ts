import type { IncomingMessage, Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './api/app.js';
import type { ApiDeps } from './api/types.js';
import { CameraManager } from './camera-manager.js';
import { systemClock, type Clock } from './clock.js';
import { PACKAGE_ROOT, WEB_UI_DIR } from './config/paths.js';
import type { CameraConfig, Config } from './config/schema.js';
import { CameraOverrides, mergeCameras } from './store/camera-overrides.js';
import { errorMessage, VantageError } from './errors.js';
import type { FrameDetector } from './detect/frame-detector.js';
import { DetectorSet } from './detect/detector-set.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics.js';
import type { FrameResult } from './pipeline/camera-pipeline.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from './store/database.js';
import { DetectionCounts } from './store/detection-counts.js';
import { VERSION } from './version.js';
import { EventBus } from './events.js';
import { AnalyticsService } from './analytics/analytics-service.js';
import { Reports } from './analytics/reports.js';
import { Sessions } from './analytics/sessions.js';
import { TrackIds } from './store/track-ids.js';
import { TrackStore } from './store/track-store.js';
import { trackerOptions } from './track/options.js';
import type { TrackEvent, TrackerUpdate } from './track/types.js';
import { redactUrl } from './util/redact.js';
import { LiveHub } from './live/live-hub.js';
import { LiveVideo } from './live-video/live-video-service.js';
import { saveUpload, uploadsDir } from './store/uploads.js';
import { DiskGuard, diskReadiness } from './store/disk-guard.js';
import { reclaimSpace } from './store/space-reclaim.js';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { statfs } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { AuthStore } from './store/auth-store.js';
import { KeyValueStore } from './store/key-value.js';
import { AuthService } from './auth/auth-service.js';
import { SettingsService } from './settings.js';
import { Upstream } from './upstream.js';
import { principalOfUpgrade } from './auth/upgrade-auth.js';
import type { Principal } from './auth/roles.js';

const FLUSH_INTERVAL_MS = 1000;

/**
 * Wires the services: store → detector → cameras → HTTP, started in that order and stopped in
 * reverse. Nothing here knows about a particular library; each lives behind its adapter.
 */
export class Appliance {
  private server: Server | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private cameras: CameraManager | undefined;
  private overrides: CameraOverrides | undefined;
  /** Cameras of the config file (before API overrides); replaced by a reload. */
  private fileCameras: readonly CameraConfig[];
  private readonly metrics: Metrics;
  private store: OpenedDatabase | undefined;
  private readonly log: Logger;
  private detector: FrameDetector | undefined;
  /** Every loaded model: detector.model (this.detector) and the cameras' own (cameras[].model). */
  private detectors: DetectorSet | undefined;
  private counts: DetectionCounts | undefined;
  private trackStore: TrackStore | undefined;
  private analytics: AnalyticsService | undefined;
  private reports: Reports | undefined;
  private sessions: Sessions | undefined;
  private live: LiveHub | undefined;
  private liveVideo: LiveVideo | undefined;
  private upstream: Upstream | undefined;
  private auth: AuthService | undefined;
  private settings: SettingsService | undefined;
  private disk: DiskGuard | undefined;
  /** Track lifecycle (and later analytics) events, for whoever subscribes. */
  readonly events: EventBus;

  constructor(
    readonly config: Readonly<Config>,
    /** The root logger; each service takes a child bound to its module (and camera). */
    private readonly root: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.log = root.child({ module: 'appliance' });
    this.fileCameras = config.cameras;
    this.events = new EventBus((err) => this.log.error({ err }, 'event listener failed'));
    this.metrics = new Metrics({
      outbox: () => ({ ...(this.upstream?.sync.depth() ?? { messages: 0, oldestAgeSeconds: 0, dropped: 0 }), connected: this.upstream?.sync.connected ?? false }),
      cameraStats: () =>
        this.cameraList().map((c) => {
          const v = c.view();
          return {
            camera: c.id,
            status: v.status,
            up: v.status === 'online',
            fps: v.fps,
            reconnects: v.reconnects,
            activeTracks: v.activeTracks,
            lastFrameAt: v.lastFrameAt === null ? null : Date.parse(v.lastFrameAt),
          };
        }),
      liveVideo: () => this.liveVideo?.stats() ?? { encoders: 0, cameras: [] },
    });
  }

  /** The bound HTTP address (port 0 in config picks a free one). */
  get address(): AddressInfo | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a : undefined;
  }

  async start(): Promise<void> {
    const cfg = this.config;
    this.store = openDatabase(cfg.storage.path);
    await migrateToLatest(this.store.db);
    this.counts = new DetectionCounts(this.store.db);
    this.trackStore = new TrackStore(this.store.db);
    this.overrides = new CameraOverrides(this.store.db);

    this.detectors = new DetectorSet(cfg.detector);
    this.detector = await this.detectors.default();
    const { manifest, maxBatch } = this.detector;
    // A model with a fixed batch cannot take detector.max_batch frames per run: say what it runs instead.
    const capped = maxBatch < cfg.detector.max_batch ? { max_batch_note: `detector.max_batch ${cfg.detector.max_batch} does not apply: model ${manifest.name} has a fixed batch of ${String(manifest.input.batch)}, frames run ${maxBatch} at a time` } : {};
    this.root.info({ module: 'detector', model: manifest.name, provider: this.detector.provider, concurrency: this.detector.concurrency, max_batch: maxBatch, ...capped }, 'detector loaded');

    const detector = this.detector;
    const tracking = trackerOptions(cfg.tracker);
    this.analytics = new AnalyticsService(this.store.db, cfg.analytics, (id) => detector.className(id), this.events, this.root.child({ module: 'analytics' }), this.clock);
    this.analytics.start();
    if (cfg.storage.path !== ':memory:') {
      const analytics = this.analytics;
      const raw = this.store.raw;
      this.disk = new DiskGuard({
        dir: dirname(cfg.storage.path),
        minFreeMb: cfg.storage.min_free_mb,
        intervalMs: cfg.storage.disk_check_seconds * 1000,
        reclaim: async () => {
          const retention = await analytics.applyRetention();
          const trimmed = reclaimSpace(raw, this.clock.now());
          return [...Object.values(retention), ...Object.values(trimmed)].reduce((a, b) => a + b, 0);
        },
        clock: this.clock,
        log: this.root.child({ module: 'disk' }),
      });
      this.disk.start();
    }
    this.reports = new Reports(this.store.db, this.analytics.store, this.clock, this.root.child({ module: 'reports' }));
    const a = cfg.analytics;
    this.sessions = new Sessions(this.store.db, {
      detector,
      trackerOptions: tracking,
      countThreshold: cfg.detector.count_threshold,
      analytics: this.analytics,
      reports: this.reports,
      sinks: { onTrackEvents: (camera, events) => this.onTrackEvents(camera, events), flush: () => this.flushCounts(false) },
      bus: this.events,
      log: this.root.child({ module: 'sessions' }),
      clock: this.clock,
      uploadsDir: uploadsDir(cfg.storage.path),
    });
    const kv = new KeyValueStore(this.store.raw);
    this.settings = new SettingsService(kv, this.clock);
    this.upstream = new Upstream(
      cfg,
      this.store.raw,
      kv,
      this.settings,
      this.events,
      {
        cameras: () => this.cameraList(),
        occupancy: (id) => this.analytics!.occupancy(id),
        snapshot: async (id) => this.cameras?.get(id)?.snapshotJpeg(),
        system: () => this.system(),
        reportNow: async () => {
          const now = Math.floor(this.clock.now() / 1000);
          await this.analytics!.flush();
          return { ...(await this.reports!.generate('range', this.cameraList().map((c) => c.id), now - 3600, now + 1, 60)) };
        },
        classNames: detector.manifest.classes,
      },
      this.root,
      this.clock,
    );
    const sync = this.upstream.sync;
    this.reports.schedule({
      hourly: a.hourly_reports,
      daily: a.daily_reports,
      dailyAt: a.daily_report_at,
      cameras: () => this.cameraList().map((c) => c.id),
      onReport: (kind, report) => sync.publishReport(kind, { ...report }),
    });
    const raw = this.store.raw;
    const detectors = this.detectors;
    this.cameras = new CameraManager({
      detector,
      detectorFor: (cam) => detectors.get(cam.model, 'cameras[].model'),
      trackerOptions: tracking,
      allocatorFor: (id) => new TrackIds(raw, id).allocate,
      onResult: (r, u) => this.onFrame(r, u),
      onDecoded: (camera, n) => this.metrics.framesDecoded.inc({ camera }, n),
      onDropped: (camera) => this.metrics.framesDropped.inc({ camera }),
      onTrackEvents: (camera, events) => this.onTrackEvents(camera, events),
      log: this.root,
      clock: this.clock,
    });
    await this.applyCameras();
    this.upstream.start();
    this.flushTimer = setInterval(() => void this.flushCounts(false), FLUSH_INTERVAL_MS);

    this.auth = new AuthService(new AuthStore(this.store.raw), kv, this.clock);
    this.auth.prune();
    if (this.auth.needsSetup()) {
      this.root.warn({ module: 'auth' }, 'no users yet: create the first admin with POST /api/v1/auth/setup (or the dashboard), or `vantage user add --role admin`');
    }
    this.liveVideo = new LiveVideo({
      config: cfg.live_video,
      maxBufferedBytes: cfg.http.live_max_buffer_bytes,
      camera: (id) => this.cameras?.get(id)?.config,
      authenticate: (req) => this.authenticateUpgrade(req),
      upgrade: (req, socket, head) => this.live!.upgrade(req, socket, head),
      clock: this.clock,
      log: this.root.child({ module: 'live-video' }),
    });
    const app = createApp(this.apiDeps(), this.root.child({ module: 'api' }));
    await new Promise<void>((resolve, reject) => {
      const server = serve({ fetch: app.fetch, hostname: cfg.http.host, port: cfg.http.port }, () => resolve()) as Server;
      server.once('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'EADDRINUSE' ? 'the address is already in use' : e.code === 'EACCES' ? 'permission denied' : e.message;
        reject(new VantageError('ERR_CONFIG_INVALID', `cannot listen on ${cfg.http.host}:${cfg.http.port} (http.host, http.port): ${why}`, { cause: e }));
      });
      this.server = server;
    });
    this.live = new LiveHub(
      this.events,
      {
        maxBufferedBytes: cfg.http.live_max_buffer_bytes,
        authenticate: (req) => this.authenticateUpgrade(req),
        poll: {
          cameraStatus: () => this.cameraList().map((c) => c.view()),
          counts: () => this.cameraList().map((c) => ({ camera: c.id, activeTracks: c.view().activeTracks, zones: this.analytics!.occupancy(c.id) })),
          system: () => this.system(),
        },
      },
      this.root.child({ module: 'live' }),
    );
    this.live.attach(this.server!);
    this.live.route(this.liveVideo);
    this.live.start();
    this.liveVideo.start();
    this.root.info({ module: 'api', url: `http://${cfg.http.host}:${this.address?.port}` }, 'listening');
  }

  /** Stops sources, flushes the store, closes everything. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.disk?.stop();
    this.reports?.stop();
    this.live?.close();
    await this.liveVideo?.stop();
    const server = this.server;
    const closed = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
    server?.closeAllConnections?.();
    // Tracks still open end with their stream, so their summaries are stored too.
    await this.sessions?.stop();
    await this.cameras?.stopAll();
    await this.analytics?.stop();
    await this.upstream?.stop();
    await this.flushCounts(true);
    await this.detectors?.close();
    await closed;
    await this.store?.close();
    this.log.info('stopped');
  }

  private onFrame(r: FrameResult, u: TrackerUpdate): void {
    const cam = r.cameraId;
    this.onTrackEvents(cam, u.events);
    this.analytics!.onFrame(cam, u.tracks, r.timeMs, r.letterbox.srcWidth, r.letterbox.srcHeight);
    this.events.emit({ type: 'track.update', camera: cam, t: r.timeMs / 1000, seq: r.seq, latencyMs: r.latencyMs, inferred: r.inferred, tracks: u.tracks });
    if (!r.inferred) return;
    const det = this.detector!;
    this.metrics.framesInferred.inc({ camera: cam });
    this.metrics.inferenceSeconds.observe({ camera: cam }, r.inferenceMs / 1000);
    this.metrics.frameLatencySeconds.observe({ camera: cam }, r.latencyMs / 1000);
    const counts = new Map<number, { name: string; count: number }>();
    for (const d of r.detections) {
      if (d.score < this.config.detector.count_threshold) continue;
      const c = counts.get(d.classId);
      if (c) c.count++;
      else counts.set(d.classId, { name: det.className(d.classId), count: 1 });
    }
    for (const { name, count } of counts.values()) this.metrics.detections.inc({ camera: cam, class: name }, count);
    this.counts!.record(cam, r.timeMs, counts);
  }

  private onTrackEvents(camera: string, events: TrackEvent[]): void {
    const det = this.detector!;
    for (const e of events) {
      this.events.emit({ ...e, camera });
      if (e.type === 'track.new') this.metrics.tracks.inc({ camera, class: det.className(e.track.classId) });
      if (e.type !== 'track.end') continue;
      this.analytics?.onTrackEnd(camera, e.track.id, e.track.lastSeen * 1000);
      this.trackStore!.add({
        camera_id: camera,
        track_id: e.track.id,
        class_id: e.track.classId,
        class_name: det.className(e.track.classId),
        first_seen: Math.round(e.track.firstSeen * 1000),
        last_seen: Math.round(e.track.lastSeen * 1000),
        best_score: Math.round(e.bestScore * 1000) / 1000,
        hits: e.track.hits,
        path_length: Math.round(e.pathLength * 10) / 10,
        path: JSON.stringify(e.path.map(([t, x, y]) => [Math.round(t * 1000), Math.round(x), Math.round(y)])),
      });
    }
  }

  private async flushCounts(all: boolean): Promise<void> {
    try {
      await this.trackStore?.flush();
      await this.counts?.flush(all ? undefined : this.clock.now());
    } catch (e) {
      this.root.error({ module: 'store', err: e }, 'writing detection counts failed');
    }
  }

  /**
   * A new config (SIGHUP): cameras are added, changed or removed without touching the others. Other
   * sections need a restart; they are reported, not applied.
   */
  async reload(next: Readonly<Config>): Promise<void> {
    for (const key of Object.keys(next) as Array<keyof Config>) {
      if (key !== 'cameras' && !isDeepStrictEqual(next[key], this.config[key])) {
        this.log.warn({ section: key }, 'config section changed; it takes effect after a restart');
      }
    }
    this.fileCameras = next.cameras;
    await this.applyCameras();
  }

  private async system(): Promise<Record<string, unknown>> {
    const mem = process.memoryUsage();
    let disk: { total_mb: number; free_mb: number } | null = null;
    try {
      const st = await statfs(dirname(this.config.storage.path));
      disk = { total_mb: Math.round((st.blocks * st.bsize) / 2 ** 20), free_mb: Math.round((st.bavail * st.bsize) / 2 ** 20) };
    } catch {
      // an in-memory database has no folder
    }
    return {
      version: VERSION,
      uptime_seconds: Math.round(process.uptime()),
      cpu: { cores: cpus().length, load: loadavg() },
      memory: { rss_mb: Math.round(mem.rss / 2 ** 20), heap_mb: Math.round(mem.heapUsed / 2 ** 20), system_free_mb: Math.round(freemem() / 2 ** 20), system_total_mb: Math.round(totalmem() / 2 ** 20) },
      disk: disk && this.disk ? { ...disk, ...(({ ok, min_free_mb, low_since, reclaimed_rows, last_reclaim_at }) => ({ low: !ok, min_free_mb, low_since, reclaimed_rows, last_reclaim_at }))(this.disk.state()) } : disk,
      live_events: { clients: this.live?.size ?? 0, dropped_slow: this.live?.dropped ?? 0 },
      ...this.upstream?.summary(),
      live_video: this.liveVideo?.stats() ?? null,
      cameras: this.cameraList().map((c) => {
        const v = c.view();
        return { id: v.id, status: v.status, fps: v.fps, frames_dropped: v.framesDropped, inference_ms: v.inferenceMs, active_tracks: v.activeTracks };
      }),
    };
  }

  private cameraList() {
    return this.cameras?.list() ?? [];
  }

  /** File cameras + API overrides → running cameras and their rows in the database. */
  private async applyCameras(): Promise<void> {
    const effective = mergeCameras(this.fileCameras, await this.overrides!.list());
    const db = this.store!.db;
    const now = this.clock.now();
    for (const cam of effective) {
      const row = { name: cam.name ?? cam.id, source: redactUrl(cam.source), updated_at: now };
      await db
        .insertInto('cameras')
        .values({ id: cam.id, ...row, created_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    }
    await this.analytics!.setCameras(effective);
    await this.cameras!.apply(effective);
    await this.liveVideo?.apply(effective);
  }

  private async putCamera(cam: CameraConfig, mode: 'create' | 'replace'): Promise<void> {
    const exists = this.cameras!.get(cam.id) !== undefined;
    if (mode === 'create' && exists) throw new VantageError('ERR_CONFLICT', `camera "${cam.id}" already exists`);
    if (mode === 'replace' && !exists) throw new VantageError('ERR_NOT_FOUND', `no camera "${cam.id}"`);
    if (cam.model) cam = { ...cam, model: await this.apiModel(cam.model) };
    await this.overrides!.put(cam, this.clock.now());
    await this.applyCameras();
  }

  /**
   * A model named through the API: a manifest the appliance ships (models/…) or one the config file
   * already uses, loaded (once) before the camera is stored, so a bad one is refused with its field.
   */
  private async apiModel(model: string): Promise<string> {
    const path = resolve(PACKAGE_ROOT, model);
    const known = [this.config.detector.model, ...this.fileCameras.map((c) => c.model)].includes(path);
    if (!known && (!path.startsWith(resolve(PACKAGE_ROOT, 'models') + sep) || !path.endsWith('.json'))) {
      throw new VantageError('ERR_CONFIG_INVALID', `model: "${model}" is not a manifest under models/ or one the config file uses`, { field: 'model' });
    }
    try {
      await this.detectors!.get(path, 'model');
    } catch (e) {
      throw new VantageError('ERR_CONFIG_INVALID', `model: ${errorMessage(e)}`, { field: 'model' });
    }
    return path;
  }

  private async deleteCamera(id: string): Promise<void> {
    if (!this.cameras!.get(id)) throw new VantageError('ERR_NOT_FOUND', `no camera "${id}"`);
    await this.overrides!.remove(id, this.fileCameras.some((c) => c.id === id), this.clock.now());
    await this.applyCameras();
  }

  private authenticateUpgrade(req: IncomingMessage): Promise<Principal | undefined> {
    return principalOfUpgrade(req, this.auth!);
  }

  private apiDeps(): ApiDeps {
    return {
      version: VERSION,
      webRoot: WEB_UI_DIR,
      auth: this.auth!,
      alerts: {
        rules: () => this.upstream!.alerts.rules(),
        createRule: (b) => this.upstream!.alerts.createRule(b),
        replaceRule: (id, b) => this.upstream!.alerts.replaceRule(id, b),
        deleteRule: (id) => this.upstream!.alerts.deleteRule(id),
        notifications: (q) => this.upstream!.alertStore.notifications(q),
      },
      telegram: this.upstream!.telegram,
      syncEvents: (cursor, limit, camera) => this.analytics!.store.eventsAfter(cursor, limit, camera),
      clock: this.clock,
      settings: this.settings!,
      secureCookies: this.config.http.secure_cookies,
      rateLimitPerMinute: this.config.http.rate_limit_per_minute,
      liveVideo: { answer: (camera, sdp) => this.liveVideo!.answer(camera, sdp) },
      readiness: () => {
        const dbOk = this.store !== undefined && this.store.raw.open;
        const modelOk = this.detector !== undefined;
        return {
          ready: dbOk && modelOk && !this.stopped,
          checks: {
            database: { ok: dbOk },
            model: { ok: modelOk, ...(this.detector ? { detail: `${this.detector.manifest.name} on ${this.detector.provider}` } : {}) },
            // Low disk space does not stop the appliance (it keeps analysing and makes room): reported, not fatal.
            ...(this.disk ? { disk: diskReadiness(this.disk.state()) } : {}),
          },
        };
      },
      metrics: async () => ({ contentType: this.metrics.contentType, body: await this.metrics.text() }),
      cameras: () => this.cameraList().map((c) => c.view()),
      cameraConfig: (id) => this.cameras?.get(id)?.config,
      occupancy: (camera) => this.analytics!.occupancy(camera),
      snapshot: async (camera) => this.cameras?.get(camera)?.snapshotJpeg(),
      heatmap: (camera, kind, from, to, className) => this.analytics!.store.heatmap(camera, kind, from, to, className),
      emptyHeatmap: () => ({ width: this.config.analytics.heatmap_width, height: this.config.analytics.heatmap_height, values: new Float32Array(this.config.analytics.heatmap_width * this.config.analytics.heatmap_height) }),
      events: (q) => this.analytics!.store.events(q),
      reports: this.reports!,
      system: () => this.system(),
      model: () => {
        const d = this.detector!;
        const ms = this.cameraList().map((c) => c.view().inferenceMs).filter((v): v is number => v !== null);
        return {
          name: d.manifest.name,
          classes: d.manifest.classes,
          input: { width: d.inputWidth, height: d.inputHeight },
          provider: d.provider,
          workers: this.config.detector.workers,
          inference_ms: ms.length ? Math.round((ms.reduce((a, b) => a + b, 0) / ms.length) * 10) / 10 : null,
        };
      },
      sessions: this.sessions!,
      saveUpload: async (name, body) => {
        const limitMb = this.config.storage.upload_limit_mb;
        const r = await saveUpload(uploadsDir(this.config.storage.path), name, body as never, limitMb * 1024 * 1024);
        return r.ok ? r : { ok: false, limitMb };
      },
      retentionDays: () => {
        const r = this.config.analytics.retention;
        return { events: r.events_days, heatmapHours: r.heatmap_hours_days, minutes: r.minute_counts_days, tracks: r.tracks_days, detectionSeconds: r.detection_seconds_days };
      },
      createCamera: (cam) => this.putCamera(cam, 'create'),
      replaceCamera: (cam) => this.putCamera(cam, 'replace'),
      deleteCamera: (id) => this.deleteCamera(id),
      tracks: async (cameraId, from, to, limit) => {
        const rows = await this.store!.db
          .selectFrom('tracks')
          .select(['track_id', 'class_name', 'first_seen', 'last_seen', 'best_score', 'hits', 'path_length', 'path'])
          .where('camera_id', '=', cameraId)
          .where('last_seen', '>=', from)
          .where('last_seen', '<', to)
          .orderBy('last_seen', 'desc')
          .limit(limit)
          .execute();
        return rows.map((r) => ({ ...r, path: JSON.parse(r.path) as Array<[number, number, number]> }));
      },
      detections: (cameraId, from, to) =>
        this.store!.db
          .selectFrom('detection_seconds')
          .select(['ts', 'class_name', 'frames', 'detections', 'max_count'])
          .where('camera_id', '=', cameraId)
          .where('ts', '>=', from)
          .where('ts', '<', to)
          .orderBy('ts')
          .orderBy('class_id')
          .limit(100_000)
          .execute(),
    };
  }
}
