import type { Generated } from 'kysely';

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

export interface ShapeTable {
  camera_id: string;
  id: string;
  name: string;
  /** JSON [[x, y], …] in normalised coordinates. */
  points: string;
  updated_at: number;
}

export interface EventsTable {
  id: Generated<number>;
  /** Unix ms. */
  ts: number;
  camera_id: string;
  /** zone.enter, zone.exit, zone.loitering, zone.crowded, zone.clear, line.cross */
  type: string;
  /** Zone or line id. */
  target: string | null;
  track_id: number | null;
  class_name: string | null;
  /** 'in' | 'out' for line.cross. */
  direction: string | null;
  /** Dwell seconds (zone.exit, zone.loitering) or occupancy (zone.crowded, zone.clear). */
  value: number | null;
}

export interface CountsMinuteTable {
  camera_id: string;
  /** Unix minute (seconds / 60). */
  minute: number;
  /** 'zone' or 'line' (minute counts), or the name of the analytic engine that wrote the row. */
  kind: string;
  target: string;
  class_name: string;
  entries: number;
  exits: number;
  crossings_in: number;
  crossings_out: number;
  max_occupancy: number;
  dwell_sum: number;
  visits: number;
}

export interface HeatmapTable {
  camera_id: string;
  class_name: string;
  kind: 'presence' | 'traffic';
  /** Unix seconds of the bucket start (hour- or day-aligned, UTC). */
  bucket: number;
  data: Buffer;
}

export interface SessionsTable {
  id: string;
  /** file: a video on the appliance; camera: a window of a camera's data; stream: a stream URL for a while. */
  kind: 'file' | 'camera' | 'stream';
  /** The file, the camera id, or the stream URL (credentials included: never served as is). */
  source: string;
  camera_id: string | null;
  range_from: number | null;
  range_to: number | null;
  status: 'created' | 'running' | 'completed' | 'failed' | 'cancelled';
  progress: number;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  report_id: string | null;
  /** JSON { zones, lines } of a file session. */
  shapes: string | null;
  /** 1 when the upload route wrote `source` (deleted with the session); 0 for any other file. */
  uploaded: number;
  /** Seconds of the video to analyse at most (a stream's duration; null: all of a file). */
  duration_s: number | null;
  /** Score at or above which a detection counts in the session's per-class counts (null: the configured one). */
  count_threshold: number | null;
  /** JSON of what the analysis of a file or stream measured (frames, seconds, per-class detections). */
  summary: string | null;
  /** A file session's stream-time base (unix ms): its events are timed base + offset into the video. */
  video_base_ms?: number | null;
  /** The manifest of the model a file session runs on (null: detector.model). Migration 013. */
  model?: string | null;
  /** Issue 19, migration 016: when a file session's video was recorded (its creation_time, unix ms; null: not stated). */
  video_start_ms?: number | null;
  /** Issue 19, migration 016: milliseconds of video the file session covers (null: not known yet, or stored before). */
  video_duration_ms?: number | null;
}

export interface ReportsTable {
  id: string;
  kind: 'session' | 'range' | 'hourly' | 'daily';
  /** JSON array of camera ids. */
  cameras: string;
  range_from: number;
  range_to: number;
  created_at: number;
  /** The report JSON. */
  body: string;
  /** Set by a trigger on insert: increasing, never reused (the pull API's cursor). */
  seq?: number | null;
}

export interface AuditsTable {
  id: string;
  /** Unix ms. */
  created_at: number;
  /** Username (or key name) of who submitted it. */
  created_by: string;
  kind: 'session' | 'camera';
  session_id: string | null;
  /** The camera id the counts come from (`session-<id>` for a session). */
  camera_id: string;
  line_id: string;
  /** Session: seconds into the video; camera: unix seconds. [from, to). */
  range_from: number;
  range_to: number;
  true_in: number;
  true_out: number;
  counted_in: number;
  counted_out: number;
  /** JSON [{ t, direction }]: the operator's marks (t in the range's unit). */
  marks: string;
  /** JSON [{ t, direction, track_id }]: the appliance's crossings of the line in the range. */
  counted: string;
  note: string | null;
}

/** Per camera and minute: frames analysed, time online, and the frame rate the source should deliver. */
export interface CoverageMinuteTable {
  camera_id: string;
  /** Unix minute. */
  minute: number;
  frames: number;
  online_ms: number;
  expected_fps: number;
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
  zones: ShapeTable;
  lines: ShapeTable;
  events: EventsTable;
  counts_minute: CountsMinuteTable;
  heatmap_hour: HeatmapTable;
  heatmap_day: HeatmapTable;
  sessions: SessionsTable;
  reports: ReportsTable;
  audits: AuditsTable;
  coverage_minute: CoverageMinuteTable;
  kysely_migration: { name: string; timestamp: string };
}
