import { MinuteCounts } from '../minute-counts.js';
import type { AnalyticEngine } from './engine.js';

/** Per-minute entries, exits, crossings, peak occupancy and dwell per zone/line and class, from the events before it. */
export const minuteCountsEngine: AnalyticEngine = {
  name: 'minute-counts',
  create({ cameraId, occupancy }) {
    const minutes = new MinuteCounts();
    return {
      frame: (f) => minutes.add(f.events, occupancy(), f.t),
      trackEnd: (_id, t, events) => minutes.add(events, occupancy(), t),
      close: (t, events) => minutes.add(events, occupancy(), t),
      drainMinutes: (beforeMinute) =>
        minutes.drain(beforeMinute).map((r) => ({
          camera_id: cameraId,
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
        })),
    };
  },
};
