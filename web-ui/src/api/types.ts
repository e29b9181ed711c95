// Response shapes of the daemon's API. The OpenAPI document describes requests (bodies, queries) but
// not responses, so these come from the daemon's own source as type-only imports: erased by the
// bundler, and they cannot drift from what the server sends.
export type { CameraView, EventView } from '../../../appliance/src/api/types.js';
export type { ReportBody, TimelineRow } from '../../../appliance/src/analytics/report-builder.js';
export type { StoredReport } from '../../../appliance/src/analytics/reports.js';
export type { SessionView } from '../../../appliance/src/analytics/session-view.js';
export type { SessionTimeline, SessionTimelineEvent } from '../../../appliance/src/analytics/session-timeline.js'; // issue 19 (h19sess)
export type { AuditSummary, AuditView } from '../../../appliance/src/analytics/audits.js';
export type { UserView, ApiKeyView } from '../../../appliance/src/auth/auth-service.js';
export type { Role, Scope } from '../../../appliance/src/auth/roles.js';
export type { Settings } from '../../../appliance/src/settings.js';
export type { ZoneConfig, LineConfig } from '../../../appliance/src/config/schema.js';

import type { ReportBody } from '../../../appliance/src/analytics/report-builder.js';
import type { StoredReport } from '../../../appliance/src/analytics/reports.js';
import type { Role, Scope } from '../../../appliance/src/auth/roles.js';

/** GET /api/v1/auth/me */
export type Me = { kind: 'user'; id: number; username: string; role: Role } | { kind: 'key'; id: string; name: string; scopes: Scope[] };

/** GET /api/v1/reports/:id and POST /api/v1/reports */
export type Report = StoredReport & { body: ReportBody };

/** GET /api/v1/models */
export interface ModelInfo {
  name: string;
  classes: string[];
  input: { width: number; height: number };
  provider: string;
  workers: number;
  inference_ms: number | null;
}

/** GET /api/v1/system (the appliance's summary; also the data of the live `system.stats` topic). */
export interface SystemInfo {
  version: string;
  uptime_seconds: number;
  cpu: { cores: number; load: number[] };
  memory: { rss_mb: number; heap_mb: number; system_free_mb: number; system_total_mb: number };
  disk: { total_mb: number; free_mb: number } | null;
  outbox: { messages: number; oldestAgeSeconds: number; dropped: number; mqtt_connected: boolean; mqtt_configured?: boolean; mqtt_error?: string | null; mqtt_error_code?: string | null; mqtt_error_params?: Record<string, string | number> | null };
  cameras: Array<{ id: string; status: string; fps: number; frames_dropped: number; inference_ms: number | null; active_tracks: number }>;
  telegram?: { state: 'unconfigured' | 'ok' | 'failed'; reason: string | null; reason_code?: string | null; reason_params?: Record<string, string | number> | null; queued: number; failed_messages: number; bot_username: string | null } | null;
  alerts?: { rules: number; fired: number; suppressed_by_cooldown: number };
  live_video?: { viewers: number; encoders: number } | null;
}

/** Live `tracks` topic data: boxes in source-frame pixels. */
export interface TracksData {
  t: number;
  seq: number;
  /** The frame's presentation time in the source (s); the WebRTC picture is this very frame. */
  pts?: number;
  /** The frame's time in the WebRTC video's clock (90 kHz): its RTP timestamp less the peer's offset (player/rtp-lock.ts). */
  rtp?: number;
  inferred: boolean;
  tracks: Array<{ id: number; class: number; box: { x1: number; y1: number; x2: number; y2: number }; score: number }>;
}

/** Live `counts` topic data. */
export interface CountsData {
  camera: string;
  activeTracks: number;
  zones: Record<string, Record<string, number>>;
}

// Alerts and notifications (built alongside the dashboard; see the Alerts page).
export type { AlertRule, RuleBody } from '../../../appliance/src/alerts/rules.js';
export type { NotificationView } from '../../../appliance/src/store/alert-store.js';
export type { TelegramStatus, TestResult as TelegramTestResult } from '../../../appliance/src/sync/telegram-service.js';

// Issue 19 (h19b): a rule as listed, with its target's name and whether that target was removed.
import type { AlertRule as Rule } from '../../../appliance/src/alerts/rules.js';
import type { RuleTargetView } from '../../../appliance/src/alerts/rule-targets.js';
export type RuleView = Rule & RuleTargetView;
export type { OverviewCamera } from '../../../appliance/src/api/overview.js';
// Issue 18 (h18home): the home page's figures.
export type { Overview } from '../../../appliance/src/api/overview-schema.js';
