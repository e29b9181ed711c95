import type { DetectionSecondsTable, TracksTable } from '../store/schema.js';

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
  /** Confirmed tracks seen in the latest frame. */
  activeTracks: number;
}

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
  detections(cameraId: string, fromSec: number, toSec: number): Promise<DetectionSecondRow[]>;
  /** Finished tracks whose last sighting falls in [fromMs, toMs), newest first. */
  tracks(cameraId: string, fromMs: number, toMs: number, limit: number): Promise<TrackRow[]>;
  version: string;
  webRoot: string;
}
