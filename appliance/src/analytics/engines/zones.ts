import { analyticsSchema, type AnalyticsConfig } from '../../config/schema.js';
import { minuteRow, type MinuteRow } from '../../store/analytics-store.js';
import { ZoneEngine, type ZoneEngineOptions } from '../zone-engine.js';
import type { AnalyticEngine } from './engine.js';

const DEFAULTS = analyticsSchema.parse({});

/**
 * The zone engine's entry/exit rule from the analytics config: seconds inside (outside) and depth in
 * box sizes, with hysteresis_frames (or `minAppearances`) as the least number of appearances.
 */
export function zoneTimingOptions(
  cfg: Pick<AnalyticsConfig, 'zone_enter_seconds' | 'zone_exit_seconds' | 'zone_depth' | 'hysteresis_frames'>,
  minAppearances = cfg.hysteresis_frames,
): Pick<ZoneEngineOptions, 'enterFrames' | 'exitFrames' | 'enterSeconds' | 'exitSeconds' | 'zoneDepth'> {
  return {
    enterFrames: minAppearances,
    exitFrames: minAppearances,
    enterSeconds: cfg.zone_enter_seconds,
    exitSeconds: cfg.zone_exit_seconds,
    zoneDepth: cfg.zone_depth,
  };
}

/** Minute rows of kind VISITORS_KIND: `entries` is the number of visitors first seen in that minute, per class of their first track. */
export const VISITORS_KIND = 'visitors';

/**
 * Zones and lines: enter/exit/loitering/crowded events, line crossings and occupancy (the zone engine),
 * and the distinct visitors (tracks stitched into people, visitors.ts) first seen in each minute.
 */
export const zonesEngine: AnalyticEngine = {
  name: 'zones',
  create({ cameraId, shapes, hysteresisFrames, config }) {
    const engine = new ZoneEngine(
      shapes.zones.map((z) => ({
        id: z.id,
        points: z.points,
        ...(z.name ? { name: z.name } : {}),
        ...(z.classes ? { classes: z.classes } : {}),
        ...(z.loiter_seconds !== undefined ? { loiterSeconds: z.loiter_seconds } : {}),
        ...(z.crowd_threshold !== undefined ? { crowdThreshold: z.crowd_threshold } : {}),
      })),
      shapes.lines.map((l) => ({ id: l.id, points: l.points, ...(l.name ? { name: l.name } : {}), ...(l.classes ? { classes: l.classes } : {}) })),
      zoneTimingOptions(config ?? DEFAULTS, hysteresisFrames),
    );
    /** minute → class → visitors first seen then. */
    const visitors = new Map<number, Map<string, number>>();
    const tally = () => {
      for (const v of engine.drainNewVisitors()) {
        const minute = Math.floor(v.t / 60);
        const byClass = visitors.get(minute) ?? visitors.set(minute, new Map()).get(minute)!;
        byClass.set(v.className, (byClass.get(v.className) ?? 0) + 1);
      }
    };
    return {
      frame: (f) => {
        f.events.push(...engine.update(f.points, f.t));
        tally();
      },
      drainMinutes: (beforeMinute) => {
        const rows: MinuteRow[] = [];
        for (const [minute, byClass] of visitors) {
          if (beforeMinute !== undefined && !(minute < beforeMinute)) continue;
          for (const [className, n] of byClass) {
            rows.push(minuteRow({ camera_id: cameraId, minute, kind: VISITORS_KIND, target: '', class_name: className }, { entries: n }));
          }
          visitors.delete(minute);
        }
        return rows.sort((a, b) => a.minute - b.minute || (a.class_name < b.class_name ? -1 : a.class_name > b.class_name ? 1 : 0));
      },
      trackEnd: (trackId, t, events) => {
        events.push(...engine.endTrack(trackId, t));
      },
      close: (t, events) => {
        events.push(...engine.flush(t));
      },
      occupancy: () => engine.occupancy(),
    };
  },
};
