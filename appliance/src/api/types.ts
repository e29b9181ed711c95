import type { CameraConfig } from '../config/schema.js';
import type { AuthService } from '../auth/auth-service.js';
import type { SetupCode } from '../auth/setup-code.js';
import type { Principal } from '../auth/roles.js';
import type { SettingsService } from '../settings.js';
import type { Clock } from '../clock.js';
import type { AlertRule, RuleBody } from '../alerts/rules.js';
import type { RuleTargetView } from '../alerts/rule-targets.js';
import type { NotificationView } from '../store/alert-store.js';
import type { TelegramService } from '../sync/telegram-service.js';
import type { HeatmapGrid, HeatmapKind } from '../analytics/heatmap.js';
import type { Reports } from '../analytics/reports.js';
import type { Sessions } from '../analytics/sessions.js';
import type { Audits } from '../analytics/audits.js';
import type { Coverage } from '../analytics/coverage.js';
import type { SessionVideo } from '../recordings/session-video.js';
import type { DetectionSecondsTable, TracksTable } from '../store/schema.js';
import type { Privacy } from '../config/privacy.js';
import type { Recordings } from '../recordings/recordings-service.js';
import type { Counts } from '../analytics/comparisons.js'; // h18home

export type { CameraView } from '../camera-runtime.js';
export type { EventQuery, EventView } from '../store/analytics-store.js';
import type { CameraView } from '../camera-runtime.js';
import type { EventQuery, EventView } from '../store/analytics-store.js';

/** What the HTTP layer needs from the running appliance: small read-only views, no internals. */
/** A finished track as served: the stored row with its path parsed. */
export type TrackRow = Omit<TracksTable, 'camera_id' | 'class_id' | 'path'> & { path: Array<[number, number, number]> };

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export type DetectionSecondRow = Omit<DetectionSecondsTable, 'camera_id' | 'class_id'>;

export interface ApiDeps {
  readiness(): Readiness;
  metrics(): Promise<{ contentType: string; body: string }>;
  cameras(): CameraView[];
  /** Adds a camera (409 if the id exists); persisted, started at once. */
  createCamera(camera: CameraConfig): Promise<void>;
  /** Replaces a camera's config (404 if unknown); only that camera restarts. */
  replaceCamera(camera: CameraConfig): Promise<void>;
  /** Stops and removes a camera (404 if unknown); stays removed across restarts. */
  deleteCamera(id: string): Promise<void>;
  detections(cameraId: string, fromSec: number, toSec: number): Promise<DetectionSecondRow[]>;
  /** Why a camera source or session file is refused (sources/source-policy), or undefined when allowed. */
  sourceProblem(source: string): string | undefined;
  /** A camera's effective config (file + API overrides). */
  cameraConfig(id: string): CameraConfig | undefined;
  /** Current zone occupancy: zone → class → count. */
  occupancy(camera: string): Record<string, Record<string, number>>;
  /** The camera's engines' live figures by engine name (area occupancy with its corrections, capacity gauges, queues, speeds); issue 18. */
  analyticsLive?(camera: string): Record<string, unknown>;
  /** A recent frame as JPEG. */
  snapshot(camera: string): Promise<{ jpeg: Buffer; timeMs: number } | undefined>;
  /** Summed heatmap of [from, to) unix seconds. */
  heatmap(camera: string, kind: HeatmapKind, from: number, to: number, className?: string): Promise<HeatmapGrid | undefined>;
  /** An all-zero grid of the configured size. */
  emptyHeatmap(): HeatmapGrid;
  events(q: EventQuery): Promise<EventView[]>;
  reports: Reports;
  /** Version, uptime, CPU, memory, disk and per-camera health. */
  system(): Promise<Record<string, unknown>>;
  /** The detection model in use. */
  /** The loaded models, detector.model first; `input` is each model's nominal size (cameras plan their own). */
  models(): Array<{ name: string; classes: string[]; input: { width: number; height: number }; provider: string; workers: number; inference_ms: number | null }>;
  // h16: a session's model
  /** The models loaded now (name and manifest path): what a session's `model` may name. */
  loadedModels(): Array<{ name: string; manifest: string }>;
  sessions: Sessions;
  /** Count audits (an operator's true crossings against the counts). */
  audits: Audits;
  /** A file session's video as the browser plays it. */
  sessionVideo: Pick<SessionVideo, 'file'>;
  /** A camera's coverage over [from, to) unix seconds and per `resolution`-second interval. */
  coverage(camera: string, from: number, to: number, resolution: number): Promise<{ total: Coverage; buckets: Array<{ from: number; to: number } & Coverage> }>;
  /**
   * Streams an uploaded video to the uploads folder; refuses (and deletes) one over the size limit,
   * one more than storage.max_uploads, or one that would leave less than storage.min_free_mb free.
   */
  saveUpload(
    name: string,
    body: ReadableStream<Uint8Array>,
    expectedBytes?: number,
  ): Promise<{ ok: true; path: string } | { ok: false; refused: 'size' | 'count' | 'space'; limitMb: number; maxUploads: number; minFreeMb: number }>;
  retentionDays(): { events: number; heatmapHours: number; minutes: number; tracks: number; detectionSeconds: number };
  /** Finished tracks whose last sighting falls in [fromMs, toMs), newest first. */
  tracks(cameraId: string, fromMs: number, toMs: number, limit: number): Promise<TrackRow[]>;
  version: string;
  webRoot: string;
  /** Bounds of analyses started through the AI-service contract. */
  analysisLimits: { maxStreamSeconds: number };
  auth: AuthService;
  alerts: {
    /** With each rule's target name and whether that target was removed (alerts/rule-targets). */
    rules(): Array<AlertRule & RuleTargetView>;
    createRule(body: RuleBody): AlertRule;
    replaceRule(id: string, body: RuleBody): AlertRule;
    deleteRule(id: string): void;
    notifications(q: { limit: number; cursor?: number | undefined; camera?: string | undefined; rule?: string | undefined }): NotificationView[];
  };
  telegram: Pick<TelegramService, 'status' | 'connect' | 'test' | 'disconnect'>;
  /** Events with ids above the cursor, oldest first. */
  syncEvents(cursor: number, limit: number, camera?: string): Promise<EventView[]>;
  clock: Clock;
  settings: SettingsService;
  /** Mark session cookies Secure (dashboard served over HTTPS). */
  secureCookies: boolean;
  /** Requests a minute per client on /api (0 = no limit). */
  rateLimitPerMinute: number;
  /** Proxies whose X-Forwarded-For names the client (http.trusted_proxies); none when absent. */
  trustedProxies?: readonly string[];
  /** Whether a Host header names this box (http.allowed_hosts); every Host passes when absent. */
  hostAllowed?: (host: string | undefined) => boolean;
  /** The first-run setup code; `/auth/setup` is refused without it. */
  setupCode: SetupCode;
  /** The dashboard's live view (live-video/); the MPEG-1 WebSocket is served by the upgrade handler. */
  liveVideo: {
    /** A WebRTC answer for an offer: ERR_NOT_FOUND, ERR_CONFLICT (disabled), ERR_BAD_REQUEST (sdp), ERR_UNAVAILABLE (over a viewer limit). */
    answer(cameraId: string, offerSdp: string, viewer: Principal): Promise<string>;
  };
  // Privacy (issue 17): the privacy in force for a camera (global `privacy` with the camera's own keys over it).
  privacy(camera: string): Privacy;
  /** Recordings (issue 17): segments, playlists, clips, thumbnails; absent = the routes answer 404. */
  recordings?: RecordingsApi;
  // --- home page figures (issue 18, h18home) ---
  /** Zone and line totals of `cameras` over [from, to) unix seconds, from the stored minute counts (analytics/comparisons countsBetween). */
  minuteCounts?(cameras: readonly string[], from: number, to: number): Promise<Counts>;
  // --- end home page figures ---
}

// --- recordings (issue 17) ---
/** What the recordings routes (api/recordings.ts) use of the recordings service. */
export type RecordingsApi = Pick<Recordings, 'segments' | 'playlist' | 'segmentFile' | 'clip' | 'thumbnail'>;
// --- end recordings ---

/** The parts of ApiDeps the audit and coverage routes use (built by audit-services.ts). */
export type AuditApiDeps = Pick<ApiDeps, 'audits' | 'sessionVideo' | 'coverage'>;
