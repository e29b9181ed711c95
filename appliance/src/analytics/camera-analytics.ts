import type { AnalyticsConfig } from '../config/schema.js';
import type { TrackSnapshot } from '../track/types.js';
import type { MinuteRow } from '../store/analytics-store.js';
import type { HeatmapAccumulator } from './heatmap.js';
import { analyticEngines, type AnalyticEngine, type CameraEngine, type EngineShapes } from './engines/index.js';
import { footPoint, type AnalyticsEvent, type TrackPoint } from './zone-engine.js';

/**
 * One camera's analytics: an instance of every registered analytic engine (zones and lines, heatmaps,
 * minute counts, …), fed with every frame's confirmed tracks in the registry's order. Times are unix seconds.
 */
export class CameraAnalytics {
  private readonly engines: Array<{ name: string; engine: CameraEngine }> = [];
  private readonly points: TrackPoint[] = [];

  constructor(
    readonly cameraId: string,
    camera: EngineShapes,
    hysteresisFrames: number,
    heatmap: HeatmapAccumulator,
    private readonly className: (classId: number) => string,
    registry: readonly AnalyticEngine[] = analyticEngines(),
    /** The analytics config and the service's cross-camera engine state (see EngineSetup). */
    site: { config?: AnalyticsConfig; shared?: Map<string, unknown>; siteTimezone?: () => string } = {},
  ) {
    const setup = { cameraId, shapes: camera, hysteresisFrames, heatmap, className, occupancy: () => this.occupancy(), ...site };
    for (const e of registry) {
      const engine = e.create(setup);
      if (engine) this.engines.push({ name: e.name, engine });
    }
  }

  /** A frame's confirmed tracks, boxes in pixels of a `width`×`height` picture. */
  onFrame(tracks: readonly TrackSnapshot[], t: number, width: number, height: number): AnalyticsEvent[] {
    const points = this.points;
    points.length = 0;
    for (const tr of tracks) {
      const [x, y] = footPoint(tr.box, width, height);
      points.push({ id: tr.id, className: this.className(tr.classId), x, y, h: (tr.box.y2 - tr.box.y1) / height, w: (tr.box.x2 - tr.box.x1) / width });
    }
    const f = { t, width, height, tracks, points, events: [] as AnalyticsEvent[] };
    for (const { engine } of this.engines) engine.frame?.(f);
    return f.events;
  }

  /** A track ended: its open visits close now. */
  onTrackEnd(trackId: number, t: number): AnalyticsEvent[] {
    const events: AnalyticsEvent[] = [];
    for (const { engine } of this.engines) engine.trackEnd?.(trackId, t, events);
    return events;
  }

  /** The stream stopped: every open visit closes. */
  flush(t: number): AnalyticsEvent[] {
    const events: AnalyticsEvent[] = [];
    for (const { engine } of this.engines) engine.close?.(t, events);
    return events;
  }

  occupancy(): Record<string, Record<string, number>> {
    let out: Record<string, Record<string, number>> | undefined;
    for (const { engine } of this.engines) {
      if (!engine.occupancy) continue;
      const o = engine.occupancy();
      out = out ? { ...out, ...o } : o;
    }
    return out ?? {};
  }

  /** Per-minute rows of minutes before `beforeMinute` (all when omitted), for the store. */
  drainMinutes(beforeMinute?: number): MinuteRow[] {
    const rows: MinuteRow[] = [];
    for (const { engine } of this.engines) if (engine.drainMinutes) rows.push(...engine.drainMinutes(beforeMinute));
    return rows;
  }

  /** Live figures of the engines that have some, by engine name (empty for the built-in ones). */
  live(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { name, engine } of this.engines) if (engine.live) out[name] = engine.live();
    return out;
  }
}
