import type { CameraConfig } from '../config/schema.js';
import type { TrackSnapshot } from '../track/types.js';
import type { MinuteRow } from '../store/analytics-store.js';
import type { HeatmapAccumulator } from './heatmap.js';
import { MinuteCounts } from './minute-counts.js';
import { ZoneEngine, footPoint, type AnalyticsEvent, type TrackPoint } from './zone-engine.js';

/**
 * One camera's analytics: zones and lines (events, occupancy, per-minute counts) and its share of the
 * heatmaps, fed with every frame's confirmed tracks. Times are unix seconds.
 */
export class CameraAnalytics {
  private readonly engine: ZoneEngine;
  private readonly minutes = new MinuteCounts();
  private readonly points: TrackPoint[] = [];

  constructor(
    readonly cameraId: string,
    camera: Pick<CameraConfig, 'zones' | 'lines'>,
    hysteresisFrames: number,
    private readonly heatmap: HeatmapAccumulator,
    private readonly className: (classId: number) => string,
  ) {
    this.engine = new ZoneEngine(
      camera.zones.map((z) => ({
        id: z.id,
        points: z.points,
        ...(z.name ? { name: z.name } : {}),
        ...(z.classes ? { classes: z.classes } : {}),
        ...(z.loiter_seconds !== undefined ? { loiterSeconds: z.loiter_seconds } : {}),
        ...(z.crowd_threshold !== undefined ? { crowdThreshold: z.crowd_threshold } : {}),
      })),
      camera.lines.map((l) => ({ id: l.id, points: l.points, ...(l.name ? { name: l.name } : {}), ...(l.classes ? { classes: l.classes } : {}) })),
      { enterFrames: hysteresisFrames, exitFrames: hysteresisFrames },
    );
  }

  /** A frame's confirmed tracks, boxes in pixels of a `width`×`height` picture. */
  onFrame(tracks: readonly TrackSnapshot[], t: number, width: number, height: number): AnalyticsEvent[] {
    const points = this.points;
    points.length = 0;
    for (const tr of tracks) {
      const [x, y] = footPoint(tr.box, width, height);
      const cls = this.className(tr.classId);
      points.push({ id: tr.id, className: cls, x, y, h: (tr.box.y2 - tr.box.y1) / height, w: (tr.box.x2 - tr.box.x1) / width });
      this.heatmap.add(this.cameraId, cls, tr.id, x, y, t);
    }
    const events = this.engine.update(points, t);
    this.minutes.add(events, this.engine.occupancy(), t);
    return events;
  }

  /** A track ended: its open visits close now. */
  onTrackEnd(trackId: number, t: number): AnalyticsEvent[] {
    this.heatmap.endTrack(this.cameraId, trackId);
    const events = this.engine.endTrack(trackId, t);
    this.minutes.add(events, this.engine.occupancy(), t);
    return events;
  }

  /** The stream stopped: every open visit closes. */
  flush(t: number): AnalyticsEvent[] {
    this.heatmap.endCamera(this.cameraId);
    const events = this.engine.flush(t);
    this.minutes.add(events, this.engine.occupancy(), t);
    return events;
  }

  occupancy(): Record<string, Record<string, number>> {
    return this.engine.occupancy();
  }

  /** Per-minute rows of minutes before `beforeMinute` (all when omitted), for the store. */
  drainMinutes(beforeMinute?: number): MinuteRow[] {
    return this.minutes.drain(beforeMinute).map((r) => ({
      camera_id: this.cameraId,
      minute: r.minute,
      kind: r.kind,
      target: r.id,
      class_name: r.className,
      entries: r.entries,
      exits: r.exits,
      crossings_in: r.crossingsIn,
      crossings_out: r.crossingsOut,
      max_occupancy: r.maxOccupancy,
      dwell_sum: r.dwellSum,
      visits: r.visits,
    }));
  }
}
