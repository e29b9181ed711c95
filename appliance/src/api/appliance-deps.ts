import type { AnalyticsService } from '../analytics/analytics-service.js';
import type { Reports } from '../analytics/reports.js';
import type { Sessions } from '../analytics/sessions.js';
import type { AuthService } from '../auth/auth-service.js';
import type { SetupCode } from '../auth/setup-code.js';
import type { CameraManager } from '../camera-manager.js';
import type { Clock } from '../clock.js';
import type { CameraConfig, Config } from '../config/schema.js';
import { WEB_UI_DIR } from '../config/paths.js';
import type { FrameDetector } from '../detect/frame-detector.js';
import type { LiveVideo } from '../live-video/live-video-service.js';
import type { Metrics } from '../metrics.js';
import type { SettingsService } from '../settings.js';
import type { DetectionCounts } from '../store/detection-counts.js';
import { diskReadiness, type DiskState } from '../store/disk-guard.js';
import type { TrackStore } from '../store/track-store.js';
import { saveUpload, uploadsDir } from '../store/uploads.js';
import type { Upstream } from '../upstream.js';
import { VERSION } from '../version.js';
import { policyFor } from '../sources/source-policy.js';
import type { ApiDeps, AuditApiDeps } from './types.js';
import { privacyOf } from '../config/privacy.js';
import { countsBetween } from '../analytics/comparisons.js'; // h18home

/** The running services the HTTP API reads and drives (built by the composition root). */
export interface ApiParts {
  config: Readonly<Config>;
  clock: Clock;
  detector: FrameDetector;
  /** Every loaded model (detector.model first, then the cameras' own), for GET /models. */
  detectors?: () => FrameDetector[];
  // h16: a session's model
  /** The loaded models by manifest path (DetectorSet.models). */
  loadedModels?: () => Array<{ name: string; manifest: string }>;
  cameras: CameraManager;
  analytics: AnalyticsService;
  reports: Reports;
  sessions: Sessions;
  trackStore: TrackStore;
  counts: DetectionCounts;
  upstream: Upstream;
  auth: AuthService;
  /** The first-run setup code and the Host check (auth/daemon-auth). */
  setupCode: SetupCode;
  hostAllowed(host: string | undefined): boolean;
  settings: SettingsService;
  liveVideo: LiveVideo;
  metrics: Metrics;
  databaseOpen(): boolean;
  stopped(): boolean;
  disk(): DiskState | undefined;
  system(): Promise<Record<string, unknown>>;
  putCamera(cam: CameraConfig, mode: 'create' | 'replace'): Promise<void>;
  deleteCamera(id: string): Promise<void>;
}

/** The API's view of the running appliance: small read-only views and the operations it may start. */
export function apiDeps(p: ApiParts): Omit<ApiDeps, keyof AuditApiDeps> {
  const { config, detector, analytics, upstream } = p;
  const views = () => p.cameras.list().map((c) => c.view());
  const sources = policyFor(config.storage);
  return {
    version: VERSION,
    webRoot: WEB_UI_DIR,
    analysisLimits: { maxStreamSeconds: config.analytics.max_stream_seconds },
    auth: p.auth,
    alerts: {
      rules: () => upstream.alerts.rules(),
      createRule: (b) => upstream.alerts.createRule(b),
      replaceRule: (id, b) => upstream.alerts.replaceRule(id, b),
      deleteRule: (id) => upstream.alerts.deleteRule(id),
      notifications: (q) => upstream.alertStore.notifications(q),
    },
    telegram: upstream.telegram,
    syncEvents: (cursor, limit, camera) => analytics.store.eventsAfter(cursor, limit, camera),
    clock: p.clock,
    settings: p.settings,
    secureCookies: config.http.secure_cookies,
    rateLimitPerMinute: config.http.rate_limit_per_minute,
    trustedProxies: config.http.trusted_proxies,
    hostAllowed: p.hostAllowed,
    setupCode: p.setupCode,
    liveVideo: { answer: (camera, sdp, viewer) => p.liveVideo.answer(camera, sdp, viewer) },
    readiness: () => {
      const dbOk = p.databaseOpen();
      const disk = p.disk();
      return {
        ready: dbOk && !p.stopped(),
        checks: {
          database: { ok: dbOk },
          model: { ok: true, detail: `${detector.manifest.name} on ${detector.provider}` },
          // Low disk space does not stop the appliance (it keeps analysing and makes room): reported, not fatal.
          ...(disk ? { disk: diskReadiness(disk) } : {}),
        },
      };
    },
    metrics: async () => ({ contentType: p.metrics.contentType, body: await p.metrics.text() }),
    cameras: views,
    cameraConfig: (id) => p.cameras.get(id)?.config,
    occupancy: (camera) => analytics.occupancy(camera),
    analyticsLive: (camera) => analytics.liveSection(camera).analytics ?? {},
    snapshot: async (camera) => p.cameras.get(camera)?.snapshotJpeg(config.privacy),
    heatmap: (camera, kind, from, to, className) => analytics.store.heatmap(camera, kind, from, to, className),
    emptyHeatmap: () => ({ width: config.analytics.heatmap_width, height: config.analytics.heatmap_height, values: new Float32Array(config.analytics.heatmap_width * config.analytics.heatmap_height) }),
    events: (q) => analytics.store.events(q),
    reports: p.reports,
    system: p.system,
    models: () =>
      (p.detectors?.() ?? [detector]).map((d) => {
        const ms = views()
          .filter((v) => v.model === d.manifest.name)
          .map((v) => v.inferenceMs)
          .filter((v): v is number => v !== null);
        return {
          name: d.manifest.name,
          classes: d.manifest.classes,
          input: { width: d.inputWidth, height: d.inputHeight },
          provider: d.provider,
          workers: config.detector.workers,
          inference_ms: ms.length ? Math.round((ms.reduce((a, b) => a + b, 0) / ms.length) * 10) / 10 : null,
        };
      }),
    // h16: a session's model
    loadedModels: () => p.loadedModels?.() ?? [],
    sessions: p.sessions,
    saveUpload: async (name, body, expectedBytes) => {
      const s = config.storage;
      const r = await saveUpload(uploadsDir(s.path), name, body as never, { maxBytes: s.upload_limit_mb * 2 ** 20, maxFiles: s.max_uploads, minFreeBytes: s.min_free_mb * 2 ** 20, expectedBytes });
      return r.ok ? r : { ok: false, refused: r.refused, limitMb: s.upload_limit_mb, maxUploads: s.max_uploads, minFreeMb: s.min_free_mb };
    },
    retentionDays: () => {
      const r = config.analytics.retention;
      return { events: r.events_days, heatmapHours: r.heatmap_hours_days, minutes: r.minute_counts_days, tracks: r.tracks_days, detectionSeconds: r.detection_seconds_days };
    },
    sourceProblem: (source) => sources.problem(source),
    createCamera: (cam) => p.putCamera(cam, 'create'),
    replaceCamera: (cam) => p.putCamera(cam, 'replace'),
    deleteCamera: (id) => p.deleteCamera(id),
    tracks: (cameraId, from, to, limit) => p.trackStore.list(cameraId, from, to, limit),
    detections: (cameraId, from, to) => p.counts.list(cameraId, from, to),
    // Privacy (issue 17)
    privacy: (camera) => privacyOf(config.privacy, p.cameras.get(camera)?.config),
    // Home page figures (issue 18, h18home)
    minuteCounts: (cameras, from, to) => countsBetween(analytics.store, cameras, from, to),
  };
}
