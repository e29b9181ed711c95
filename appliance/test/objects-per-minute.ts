import type { AnalyticEngine } from '../src/analytics/engines/index.js';
import type { MinuteRow } from '../src/store/analytics-store.js';

/**
 * A toy analytic, written as a new one would be: objects in frame per class, per minute. Live, the
 * counts of the latest frame; stored, one row per minute and class (`counts_minute`, kind `objects`)
 * with the most seen in one frame, the frames with one, and their sum; in a report, per class.
 */
export const objectsPerMinute: AnalyticEngine = {
  name: 'objects',
  create({ cameraId }) {
    let latest: Record<string, number> = {};
    const minutes = new Map<string, MinuteRow>();
    return {
      frame: (f) => {
        latest = {};
        for (const p of f.points) latest[p.className] = (latest[p.className] ?? 0) + 1;
        const minute = Math.floor(f.t / 60);
        for (const [className, n] of Object.entries(latest)) {
          const key = `${minute}|${className}`;
          let r = minutes.get(key);
          if (!r) {
            r = { camera_id: cameraId, minute, kind: 'objects', target: 'frame', class_name: className, entries: 0, exits: 0, crossings_in: 0, crossings_out: 0, max_occupancy: 0, dwell_sum: 0, visits: 0 };
            minutes.set(key, r);
          }
          r.max_occupancy = Math.max(r.max_occupancy, n);
          r.visits += 1;
          r.dwell_sum += n;
        }
      },
      live: () => latest,
      drainMinutes: () => {
        const rows = [...minutes.values()];
        minutes.clear();
        return rows;
      },
    };
  },
  report: (rows) => {
    const byClass: Record<string, { peak: number; frames: number; average: number }> = {};
    for (const r of rows) {
      const c = (byClass[r.class_name] ??= { peak: 0, frames: 0, average: 0 });
      c.peak = Math.max(c.peak, r.max_occupancy);
      c.average = (c.average * c.frames + r.dwell_sum) / (c.frames + r.visits);
      c.frames += r.visits;
    }
    return { by_class: byClass, minutes: rows.length };
  },
};
