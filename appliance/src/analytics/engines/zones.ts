import { ZoneEngine } from '../zone-engine.js';
import type { AnalyticEngine } from './engine.js';

/** Zones and lines: enter/exit/loitering/crowded events, line crossings and occupancy (the zone engine). */
export const zonesEngine: AnalyticEngine = {
  name: 'zones',
  create({ shapes, hysteresisFrames }) {
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
      { enterFrames: hysteresisFrames, exitFrames: hysteresisFrames },
    );
    return {
      frame: (f) => {
        f.events.push(...engine.update(f.points, f.t));
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
