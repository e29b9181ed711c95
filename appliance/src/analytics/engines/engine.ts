import type { AnalyticsConfig, CameraConfig } from '../../config/schema.js';
import type { MinuteRow } from '../../store/analytics-store.js';
import type { TrackSnapshot } from '../../track/types.js';
import type { HeatmapAccumulator } from '../heatmap.js';
import type { AnalyticsEvent, TrackPoint } from '../zone-engine.js';

/** What an analytic engine gets to set itself up for one camera (or analysis session). */
export interface EngineSetup {
  cameraId: string;
  /** The camera's zones and lines (and its ground calibration, when it has one). */
  shapes: EngineShapes;
  hysteresisFrames: number;
  /** The heatmap accumulator shared by every camera (drained by the analytics service). */
  heatmap: HeatmapAccumulator;
  className(classId: number): string;
  /** zone → class → count now, over the camera's engines (after this frame's updates of earlier engines). */
  occupancy(): Record<string, Record<string, number>>;
  /** The analytics config (queues, occupancy areas …); undefined in bare setups such as some tests. */
  config?: AnalyticsConfig | undefined;
  /**
   * State an engine keeps across the cameras of one analytics service (e.g. an area counted by lines
   * of several cameras), by engine name.
   */
  shared?: Map<string, unknown> | undefined;
  /** The site's time zone now (runtime settings; '' = the box's), for engines with local times. */
  siteTimezone?: (() => string) | undefined;
}

/** What an engine sees of a camera's config. */
export type EngineShapes = Pick<CameraConfig, 'zones' | 'lines'> & Partial<Pick<CameraConfig, 'speed'>>;

/** One frame as the engines see it. Times are unix seconds. */
export interface EngineFrame {
  t: number;
  /** Picture size the boxes are in. */
  width: number;
  height: number;
  tracks: readonly TrackSnapshot[];
  /** The tracks' foot points (normalised) with class names and box heights, computed once per frame (read only). */
  points: TrackPoint[];
  /** Events of this frame so far: an engine adds its own; engines later in the list see them. */
  events: AnalyticsEvent[];
}

/** One camera's instance of an engine. Every hook is optional. */
export interface CameraEngine {
  frame?(f: EngineFrame): void;
  /** A track ended at `t`: its open visits close (events go into `events`). */
  trackEnd?(trackId: number, t: number, events: AnalyticsEvent[]): void;
  /** The stream stopped at `t`. */
  close?(t: number, events: AnalyticsEvent[]): void;
  /** zone → class → count now. */
  occupancy?(): Record<string, Record<string, number>>;
  /** Per-minute rows of minutes before `beforeMinute` (all when omitted), for the store and reports (added to stored rows of the same key; kind: 'zone', 'line' or the engine's name). */
  drainMinutes?(beforeMinute?: number): MinuteRow[];
  /** Figures for the live `counts` topic (under the engine's name). */
  live?(): unknown;
}

/**
 * An analytic: a name and a factory of per-camera instances. A new analytic is one file exporting
 * one of these plus one line in engines/index.ts (see docs/ARCHITECTURE.md).
 */
export interface AnalyticEngine {
  readonly name: string;
  /** The camera's instance, or undefined when the engine has nothing to do there. */
  create(setup: EngineSetup): CameraEngine | undefined;
  /**
   * The engine's section of a report (`analytics.<name>`), from its stored minute rows in the report's
   * range and cameras (rows whose kind is the engine's name); undefined leaves the section out.
   */
  report?(rows: MinuteRow[], ctx?: ReportContext): unknown;
}

/** What a report section may look up beyond its rows: display names, the configured areas. */
export interface ReportContext {
  /** A zone's display name (undefined when the zone is unknown or unnamed). */
  zoneName(camera: string, zone: string): string | undefined;
  /** A configured area (its name, capacity and the cameras it spans), undefined when no longer configured. */
  area(id: string): { name: string; cameras: string[] } | undefined;
}
