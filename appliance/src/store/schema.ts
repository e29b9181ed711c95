/** Table types for Kysely; the migrations in ./migrations create exactly these. */
export interface CamerasTable {
  id: string;
  name: string;
  /** Source URL with credentials redacted. */
  source: string;
  created_at: number;
  updated_at: number;
}

/** Per camera, per second, per class: how many frames were analysed and what was seen in them. */
export interface DetectionSecondsTable {
  camera_id: string;
  /** Unix time in whole seconds. */
  ts: number;
  class_id: number;
  class_name: string;
  /** Frames analysed in that second (the same for every class row of the second). */
  frames: number;
  /** Detections of the class summed over those frames. */
  detections: number;
  /** Most detections of the class in one frame. */
  max_count: number;
}

export interface TracksTable {
  camera_id: string;
  track_id: number;
  class_id: number;
  class_name: string;
  /** Unix ms. */
  first_seen: number;
  last_seen: number;
  best_score: number;
  /** Frames with a matched detection. */
  hits: number;
  /** Foot-point path length in original-frame pixels. */
  path_length: number;
  /** JSON [[unixMs, footX, footY], …], about one point per 0.5 s. */
  path: string;
}

export interface CameraOverridesTable {
  id: string;
  /** JSON camera config, or null for a config-file camera removed through the API. */
  config: string | null;
  updated_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface Database {
  cameras: CamerasTable;
  detection_seconds: DetectionSecondsTable;
  settings: SettingsTable;
  tracks: TracksTable;
  camera_overrides: CameraOverridesTable;
  kysely_migration: { name: string; timestamp: string };
}
