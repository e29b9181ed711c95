import type { IncomingMessage, Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createApp } from './api/app.js';
import { apiDeps } from './api/appliance-deps.js';
import { CameraManager } from './camera-manager.js';
import { systemClock, type Clock } from './clock.js';
import type { CameraConfig, Config } from './config/schema.js';
import { CameraOverrides } from './store/camera-overrides.js';
import { CameraSet } from './camera-set.js';
import { listen } from './api/listen.js';
import type { FrameDetector } from './detect/frame-detector.js';
import { DetectorSet } from './detect/detector-set.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from './store/database.js';
import { DetectionCounts } from './store/detection-counts.js';
import { EventBus } from './events.js';
import { AnalyticsService } from './analytics/analytics-service.js';
import { Reports } from './analytics/reports.js';
import { ScheduledReports } from './sync/scheduled-reports.js';
import { ReportRunner } from './analytics/report-runner.js';
import { buildReport } from './analytics/report-builder.js';
import { cameraSourceIssues, policyFor } from './sources/source-policy.js';
import { ConfigError } from './config/loader.js';
import { Sessions } from './analytics/sessions.js';
import { TrackIds } from './store/track-ids.js';
import { TrackStore } from './store/track-store.js';
import { trackerOptions } from './track/options.js';
import { busConsumer, detectionCounter, metricsConsumer, trackRecorder } from './pipeline/frame-consumers.js';
import type { ProcessedFrame } from './pipeline/frame-processor.js';
import { LiveHub } from './live/live-hub.js';
import { LiveVideo } from './live-video/live-video-service.js';
import { uploadsDir } from './store/uploads.js';
import { DiskGuard } from './store/disk-guard.js';
import { Retention, retentionDays } from './store/retention.js';
import { Flusher } from './store/flusher.js';
import { KeyValueStore } from './store/key-value.js';
import type { AuthService } from './auth/auth-service.js';
import { daemonAuth } from './auth/daemon-auth.js';
import { SettingsService } from './settings.js';
import { Upstream } from './upstream.js';
import { principalOfUpgrade } from './auth/upgrade-auth.js';
import type { Access, Principal } from './auth/roles.js';
import { systemReport } from './system-report.js';
import { auditServices } from './audit-services.js';
import { METADATA_ONLY_MESSAGE, privacyOf } from './config/privacy.js';
import { Recordings, recordingsDir } from './recordings/recordings-service.js';
import { PrivateMedia } from './recordings/private-media.js';
import { PrivacyBoxes } from './store/privacy-boxes.js';
import { StopPhases } from './util/stop-phases.js';

/** The services of a running appliance; start() fills them in order, stop() stops whichever exist. */
interface Parts {
  store: OpenedDatabase;
  /** Every loaded model: detector.model (`detector`) and the cameras' own (`cameras[].model`). */
  detectors: DetectorSet;
  detector: FrameDetector;
  counts: DetectionCounts;
  trackStore: TrackStore;
  cameraSet: CameraSet;
  analytics: AnalyticsService;
  disk: DiskGuard;
  retention: Retention;
  flusher: Flusher;
  reports: Reports;
  reportRunner: ReportRunner;
  sessions: Sessions;
  upstream: Upstream;
  cameras: CameraManager;
  auth: AuthService;
  liveVideo: LiveVideo;
  live: LiveHub;
  audit: ReturnType<typeof auditServices>;
  scheduledReports: ScheduledReports;
  recordings: Recordings;
  media: PrivateMedia;
}

/**
 * The composition root: builds the services (store → detector → analytics → upstream → cameras →
 * HTTP), starts them in that order and stops them in reverse. It holds no per-frame code: each path's
 * frames go through a FrameProcessor (pipeline/frame-processor.ts) to the consumers listed here.
 */
export class Appliance {
  private server: Server | undefined;
  private stopped = false;
  private readonly p: Partial<Parts> = {};
  private readonly metrics: Metrics;
  private readonly log: Logger;
  /** Track lifecycle, analytics, camera status and alert events, for whoever subscribes. */
  readonly events: EventBus;

  constructor(
    readonly config: Readonly<Config>,
    /** The root logger; each service takes a child bound to its module (and camera). */
    private readonly root: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.log = root.child({ module: 'appliance' });
    this.events = new EventBus((err) => this.log.error({ err }, 'event listener failed'));
    this.metrics = new Metrics({
      outbox: () => ({ ...(this.p.upstream?.sync.depth() ?? { messages: 0, oldestAgeSeconds: 0, dropped: 0 }), connected: this.p.upstream?.sync.connected ?? false }),
      cameraStats: () => this.cameraList().map((c) => c.gauge()),
      liveVideo: () => this.p.liveVideo?.stats() ?? { encoders: 0, cameras: [] },
    });
  }

  /** The bound HTTP address (port 0 in config picks a free one). */
  get address(): AddressInfo | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a : undefined;
  }

  async start(): Promise<void> {
    const { config: cfg, clock, root, p, events: bus, metrics } = this;
    // Config-file sources follow the API's rules: a refused one stops start-up, naming it.
    const sourcePolicy = policyFor(cfg.storage);
    const refused = cameraSourceIssues(cfg.cameras, sourcePolicy);
    if (refused.length) throw new ConfigError('cameras', refused);
    const store = (p.store = openDatabase(cfg.storage.path));
    await migrateToLatest(store.db);
    const counts = (p.counts = new DetectionCounts(store.db));
    const trackStore = (p.trackStore = new TrackStore(store.db));
    const detectors = (p.detectors = new DetectorSet(cfg.detector));
    const detector = (p.detector = await detectors.default());
    const { manifest, maxBatch } = detector;
    // A model with a fixed batch cannot take detector.max_batch frames per run: say what it runs instead.
    const capped = maxBatch < cfg.detector.max_batch ? { max_batch_note: `detector.max_batch ${cfg.detector.max_batch} does not apply: model ${manifest.name} has a fixed batch of ${String(manifest.input.batch)}, frames run ${maxBatch} at a time` } : {};
    root.info({ module: 'detector', model: manifest.name, provider: detector.provider, concurrency: detector.concurrency, max_batch: maxBatch, ...capped }, 'detector loaded');
    const className = (id: number) => detector.className(id);
    const tracking = trackerOptions(cfg.tracker);

    const analytics = (p.analytics = new AnalyticsService(store.db, cfg.analytics, className, bus, root.child({ module: 'analytics' }), clock));
    // Recordings (issue 17): segments indexed in SQLite, repaired at start, kept by retention and the disk guard.
    // Privacy (issue 17): the privacy in force per camera; metadata_only cameras record nothing.
    const privacyFor = (id: string) => privacyOf(cfg.privacy, p.cameras?.get(id)?.config);
    const recordings = (p.recordings = new Recordings(recordingsDir(cfg.storage.path), store.raw, bus, clock, root.child({ module: 'recordings' }), (id) => !privacyFor(id).metadata_only));
    await recordings.start();
    const media = (p.media = new PrivateMedia({ recordings, boxes: new PrivacyBoxes(store.raw), privacy: privacyFor, className, log: root.child({ module: 'privacy' }) }));
    media.start(() => clock.now());
    const retention = (p.retention = new Retention(store, retentionDays(cfg.analytics.retention), clock, root.child({ module: 'retention' }), recordings));
    retention.start();
    const expectedFps = () => this.cameraList().map((c) => ({ id: c.id, online: c.view().status === 'online', fps: c.pipeline?.source.info?.fps ?? 0 }));
    const audit = (p.audit = auditServices({ db: store.db, dbPath: cfg.storage.path, cameras: expectedFps, clock, log: root.child({ module: 'coverage' }) }));
    audit.coverage.start();
    if (cfg.storage.path !== ':memory:') {
      p.disk = new DiskGuard({ dir: dirname(cfg.storage.path), minFreeMb: cfg.storage.min_free_mb, intervalMs: cfg.storage.disk_check_seconds * 1000, reclaim: () => retention.reclaim(), clock, log: root.child({ module: 'disk' }), recordingsBytes: () => recordings.bytes() });
      p.disk.start();
    }
    // Reports are built in a worker thread (analytics/report-runner), off the event loop.
    const reportLog = root.child({ module: 'reports' });
    const runner = (p.reportRunner = new ReportRunner(cfg.storage.path, (req, now) => buildReport(store.db, analytics.store, req, now), reportLog));
    const reports = (p.reports = new Reports(store.db, analytics.store, clock, reportLog, (req, now) => runner.build(req, now), () => cfg.analytics.occupancy.areas));
    // A session's frames: stored like a camera's, but no per-frame bus traffic, inference metrics or detection counts.
    const sessionConsumers = [busConsumer(bus, { trackUpdates: false }), metricsConsumer(metrics, className, { frames: false }), analytics.consumer(), trackRecorder(trackStore, className)];
    p.sessions = new Sessions(store.db, { detector, detectorFor: (m) => detectors.get(m, 'model'), trackerOptions: tracking, countThreshold: cfg.detector.count_threshold, analytics, reports, consumers: sessionConsumers, bus, log: root.child({ module: 'sessions' }), clock, uploadsDir: uploadsDir(cfg.storage.path), onRemove: (id) => audit.sessionVideo.remove(id) });
    const kv = new KeyValueStore(store.raw);
    const settings = new SettingsService(kv, clock);
    analytics.useSiteTimezone(() => settings.get().timezone); // occupancy's closing time and days (issue 18)
    const reportNow = async () => {
      const now = Math.floor(clock.now() / 1000);
      await analytics.flush();
      return { ...(await reports.generate('range', this.cameraList().map((c) => c.id), now - 3600, now + 1, 60)) };
    };
    const sources = { cameras: () => this.cameraList(), occupancy: (id: string) => analytics.occupancy(id), analytics: (id: string) => analytics.liveSection(id).analytics ?? {}, snapshot: async (id: string) => p.cameras?.get(id)?.snapshotJpeg(cfg.privacy), system: () => this.system(), reportNow, classNames: manifest.classes,
      // Clips (issue 17): Telegram sends an alert's clip after its photo, MQTT announces it.
      clips: { recorded: (id: string) => recordings.settings(id).mode !== 'off' && !privacyFor(id).metadata_only, file: (kind: 'notification', id: number) => media.clipFile(kind, id) } };
    const upstream = (p.upstream = new Upstream(cfg, store.raw, kv, settings, bus, sources, root, clock));
    const a = cfg.analytics;
    reports.schedule({ hourly: a.hourly_reports, daily: a.daily_reports, dailyAt: a.daily_report_at, timezone: () => settings.get().timezone, cameras: () => this.cameraList().map((c) => c.id), onReport: (kind, report) => upstream.sync.publishReport(kind, { ...report }) });
    // Scheduled report delivery (issue 18): PDF/CSV to Telegram and MQTT through the outbox.
    p.scheduledReports = new ScheduledReports({
      schedules: cfg.reports.schedules,
      kv,
      clock,
      log: root.child({ module: 'scheduled-reports' }),
      settings: () => settings.get(),
      cameras: () => this.cameraList().map((c) => c.id),
      cameraName: (id) => this.cameraList().find((c) => c.id === id)?.config.name ?? id,
      generate: async (ids, from, to, resolution, analysis) => (await analytics.flush(), reports.generate('range', ids, from, to, resolution, analysis)),
      telegram: (file, caption, chats) => upstream.telegram.enqueueDocument(file, caption, chats),
      mqtt: cfg.mqtt ? (body) => upstream.sync.publishReport('scheduled', body) : undefined,
    });
    // Issue 19: the live view's WebRTC picture is each analysed frame, sent just before its tracks are
    // published; the update names the frame by its time in the video's clock (rtp).
    const liveFrames = (f: ProcessedFrame) => p.liveVideo?.frame(f);
    const cameras = (p.cameras = new CameraManager({
      detector,
      detectorFor: (cam) => detectors.get(cam.model, 'cameras[].model'),
      trackerOptions: tracking,
      allocatorFor: (id) => new TrackIds(store.raw, id).allocate,
      // Live cameras: every consumer, in this order (see FrameProcessor).
      consumers: [busConsumer(bus, { trackUpdates: true, video: liveFrames }), metricsConsumer(metrics, className, { frames: true }), analytics.consumer(), trackRecorder(trackStore, className), detectionCounter(counts), audit.coverage.consumer(), recordings.consumer(), media.consumer()],
      countThreshold: cfg.detector.count_threshold,
      onDecoded: (camera, n) => metrics.framesDecoded.inc({ camera }, n),
      onDropped: (camera) => metrics.framesDropped.inc({ camera }),
      bus,
      log: root,
      clock,
    }));
    const followers = [{ apply: (c: readonly CameraConfig[]) => analytics.setCameras(c) }, cameras, { apply: async (c: readonly CameraConfig[]) => p.liveVideo?.apply(c) }, recordings];
    const onRefused = (camera: string, reason: string) => root.error({ module: 'cameras', camera, reason }, 'camera source refused by the source policy; the camera stays disabled until its source is replaced');
    const cameraSet = (p.cameraSet = new CameraSet(cfg.cameras, new CameraOverrides(store.db), store.db, followers, (id) => cameras.get(id) !== undefined, clock, (s) => sourcePolicy.problem(s), onRefused));
    await cameraSet.apply();
    upstream.start();
    p.scheduledReports.start();
    const tracksSink = { name: 'tracks', everyMs: 1000, flush: () => trackStore.flush() };
    const countsSink = { name: 'detection counts', everyMs: 1000, flush: (final: boolean) => counts.flush(final ? undefined : clock.now()) };
    p.flusher = new Flusher([tracksSink, countsSink, { name: 'analytics', everyMs: 5000, flush: () => analytics.flush() }], root.child({ module: 'store' }));
    p.flusher.start();

    const { auth, setupCode, hostAllowed } = daemonAuth(store.raw, kv, cfg, clock, root.child({ module: 'auth' }));
    p.auth = auth;
    // Whatever takes access away (logout, revocation, deletion, a new role) closes that principal's live sockets and video at once.
    auth.onAccessChange(() => (p.live?.recheck(), p.liveVideo?.recheck()));
    const authenticate = (req: IncomingMessage): Promise<Principal | undefined> => principalOfUpgrade(req, auth);
    const holds = (who: Principal, need: Access) => auth.holds(who, need);
    const liveVideo = (p.liveVideo = new LiveVideo({
      config: cfg.live_video,
      maxBufferedBytes: cfg.http.live_max_buffer_bytes,
      camera: (id) => p.cameras?.get(id)?.config,
      authenticate,
      holds,
      upgrade: (req, socket, head) => p.live!.upgrade(req, socket, head),
      clock,
      log: root.child({ module: 'live-video' }),
      withheld: (id) => (privacyFor(id).metadata_only ? METADATA_ONLY_MESSAGE : undefined),
      // Issue 19: privacy.blur covers the live picture too (live-video/i420-blur.ts).
      privacy: privacyFor,
      className,
    }));
    const parts = { config: cfg, clock, detector, detectors: () => detectors.detectors(), loadedModels: () => detectors.models(), cameras, analytics, reports, sessions: p.sessions, trackStore, counts, upstream, auth, setupCode, hostAllowed, settings, liveVideo, metrics };
    const deps = audit.withApi(apiDeps({ ...parts, databaseOpen: () => store.raw.open, stopped: () => this.stopped, disk: () => p.disk?.state(), system: () => this.system(), putCamera: async (c, m) => cameraSet.put(c.model ? { ...c, model: await detectors.apiModel(c.model, cameraSet.fileModels()) } : c, m), deleteCamera: (id) => cameraSet.remove(id) }));
    deps.recordings = media; // recordings as each camera's privacy allows them (recordings/private-media.ts)
    const server = (this.server = await listen(createApp(deps, root.child({ module: 'api' })).fetch, cfg.http.host, cfg.http.port));
    const liveCounts = () => this.cameraList().map((c) => ({ camera: c.id, activeTracks: c.view().activeTracks, zones: analytics.occupancy(c.id), ...analytics.liveSection(c.id) }));
    const poll = { cameraStatus: () => this.cameraList().map((c) => c.view()), counts: liveCounts, system: () => this.system() };
    const live = (p.live = new LiveHub(bus, { maxBufferedBytes: cfg.http.live_max_buffer_bytes, authenticate, holds, hostAllowed, poll }, root.child({ module: 'live' })));
    live.attach(server);
    live.route(liveVideo);
    live.start();
    liveVideo.start();
    root.info({ module: 'api', url: `http://${cfg.http.host}:${this.address?.port}` }, 'listening');
  }

  /**
   * Stops sources, flushes the store, closes everything; safe to call twice. What runs apart runs side
   * by side (the CLI gives a stop 5 s, also on a saturated box); what holds rows runs in order: every
   * input ends first (cameras, sessions: their open tracks end with the stream), then analytics, the
   * outbox, tracks and counts are written, and the store closes last. A phase that fails is logged and
   * the others still run (no rows are lost to it); the first failure is thrown at the end.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const p = this.p;
    const ph = new StopPhases();
    // The disk guard's check in flight reads the database: the store closes after it has ended.
    const disk = p.disk?.stop();
    p.retention?.stop();
    p.reports?.stop();
    p.live?.close();
    const server = this.server;
    const closed = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
    server?.closeAllConnections?.();
    // The live view holds no rows: its viewers close and WebRTC's native objects are released (rounds
    // of garbage collection) while the rest goes on.
    const liveVideo = ph.run('live video', () => p.liveVideo?.stop());
    await ph.all({
      'scheduled reports': () => p.scheduledReports?.stop(),
      sessions: () => p.sessions?.stop(),
      cameras: () => p.cameras?.stopAll(),
      recordings: () => p.recordings?.stop(),
    });
    p.media?.stop();
    // Every input has ended: the rows its last frames left, in order (analytics' closing events also go
    // to the outbox), written before the outbox's delivery ends (MQTT may take its time), while the
    // detector and report workers end.
    const rest = ph.all({
      rows: async () => {
        await ph.run('coverage', () => p.audit?.coverage.stop());
        await ph.run('analytics', () => p.analytics?.stop());
        await ph.run('flusher', () => p.flusher?.stop());
        await ph.run('upstream', () => p.upstream?.stop());
      },
      detectors: () => p.detectors?.close(),
      'report runner': () => p.reportRunner?.stop(),
      http: () => closed,
    });
    await Promise.all([liveVideo, rest, ph.run('disk guard', () => disk)]);
    await ph.run('store', () => p.store?.close());
    for (const { phase, err } of ph.errors) this.log.error({ phase, err }, 'a stop phase failed');
    this.log.info({ phases_ms: ph.ms, total_ms: ph.totalMs }, 'stopped');
    if (ph.errors.length) throw ph.errors[0]!.err;
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
    const refused = cameraSourceIssues(next.cameras, policyFor(next.storage));
    if (refused.length) throw new ConfigError('cameras', refused);
    await this.p.cameraSet?.reload(next.cameras);
  }

  private system(): Promise<Record<string, unknown>> {
    const p = this.p;
    return systemReport({
      storagePath: this.config.storage.path,
      disk: () => p.disk?.state(),
      live: () => ({ clients: p.live?.size ?? 0, dropped: p.live?.dropped ?? 0 }),
      upstream: () => p.upstream?.summary() ?? {},
      liveVideo: () => p.liveVideo?.stats() ?? null,
      cameras: () => this.cameraList().map((c) => c.view()),
      models: () => p.detectors?.models() ?? [],
    });
  }

  private cameraList() {
    return this.p.cameras?.list() ?? [];
  }
}
