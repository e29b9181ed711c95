/** What the HTTP layer needs from the running appliance: small read-only views, no internals. */
export interface CameraView {
  id: string;
  name: string;
  /** Source URL with credentials redacted. */
  source: string;
  enabled: boolean;
  status: 'starting' | 'online' | 'offline' | 'stalled' | 'ended' | 'stopped' | 'disabled';
  fps: number;
  width: number | null;
  height: number | null;
  framesDecoded: number;
  framesInferred: number;
  framesDropped: number;
  reconnects: number;
  lastFrameAt: string | null;
  lastError: string | null;
  inferenceMs: number | null;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface DetectionSecondRow {
  ts: number;
  class_name: string;
  frames: number;
  detections: number;
  max_count: number;
}

export interface ApiDeps {
  readiness(): Readiness;
  metrics(): Promise<{ contentType: string; body: string }>;
  cameras(): CameraView[];
  detections(cameraId: string, fromSec: number, toSec: number): Promise<DetectionSecondRow[]>;
  version: string;
  webRoot: string;
}
