import type { CameraConfig } from '../config/schema.js';
import type { AnalyzeSummary } from '../pipeline/analyze-file.js';
import type { SessionsTable } from '../store/schema.js';
import { redactUrl } from '../util/redact.js';
import { sessionDiagnostic } from '../sources/source-diagnostic.js';
import type { DiagnosticParams } from '../util/diagnostic.js';

// A session as the API serves it, and how a stored row becomes one (its own file so the timeline,
// the AI-service views and the sessions service share it without importing each other).

export type SessionView = Omit<SessionsTable, 'created_at' | 'started_at' | 'finished_at' | 'range_from' | 'range_to' | 'shapes' | 'uploaded' | 'duration_s' | 'summary' | 'video_base_ms' | 'model' | 'video_start_ms' | 'video_duration_ms'> & {
  /** The manifest of the model a file session runs on (null: detector.model). */
  model: string | null;
  /** The upload route wrote the file: it is deleted with the session. */
  uploaded: boolean;
  /** A file session's stream-time base (unix ms): an event at `ts` is `ts − video_base_ms` ms into the video. */
  video_base_ms: number | null;
  /** When a file session's video was recorded (its creation_time tag), ISO; null when the file does not say: its times are offsets from its start. */
  video_start: string | null;
  /** Seconds of video the session covers (the file's duration, then what was analysed); null until known. */
  video_duration_s: number | null;
  shapes: Pick<CameraConfig, 'zones' | 'lines'>;
  /** Seconds of the video analysed at most (a stream's duration; null for a whole file). */
  duration: number | null;
  /** What the analysis of a file or stream measured, once it completed. */
  summary: SessionSummary | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  from: string | null;
  to: string | null;
  /** A failed or cancelled session's `error` as a stable code and its figures (sources/source-diagnostic.ts); null otherwise. */
  error_code: string | null;
  error_params: DiagnosticParams | null;
};

/** What the analysis of a session's file or stream measured (snake_case, as served). */
export interface SessionSummary {
  frames: number;
  /** Wall-clock seconds the analysis took, and frames analysed per second of it. */
  seconds: number;
  fps: number;
  width: number;
  height: number;
  source_fps: number;
  /** Per class: detections at or above the session's counting threshold, and frames with one. */
  detections: AnalyzeSummary['classes'];
}

/** A stored session row as served (shapes and summary parsed, times as ISO strings). */
export function view(r: SessionsTable): SessionView {
  const iso = (v: number | null) => (v === null ? null : new Date(v).toISOString());
  const diag = sessionDiagnostic(r.status, r.error);
  return {
    id: r.id,
    kind: r.kind,
    source: r.kind === 'stream' ? redactUrl(r.source) : r.source,
    camera_id: r.camera_id,
    status: r.status,
    progress: r.progress,
    error: r.error,
    report_id: r.report_id,
    uploaded: r.uploaded === 1,
    video_base_ms: r.video_base_ms ?? null,
    video_start: r.video_start_ms === null || r.video_start_ms === undefined ? null : new Date(r.video_start_ms).toISOString(),
    video_duration_s: r.video_duration_ms === null || r.video_duration_ms === undefined ? null : r.video_duration_ms / 1000,
    model: r.model ?? null,
    created_at: new Date(r.created_at).toISOString(),
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
    from: r.range_from === null ? null : iso(r.range_from * 1000),
    to: r.range_to === null ? null : iso(r.range_to * 1000),
    shapes: r.shapes ? (JSON.parse(r.shapes) as Pick<CameraConfig, 'zones' | 'lines'>) : { zones: [], lines: [] },
    duration: r.duration_s,
    count_threshold: r.count_threshold,
    summary: r.summary ? (JSON.parse(r.summary) as SessionSummary) : null,
    error_code: diag?.code ?? null,
    error_params: diag?.params ?? null,
  };
}
