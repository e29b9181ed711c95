import type { AnalyticEngine } from './engine.js';

/** Presence and traffic heatmaps: every track's foot point into the shared accumulator. */
export const heatmapsEngine: AnalyticEngine = {
  name: 'heatmaps',
  create({ cameraId, heatmap }) {
    return {
      frame: (f) => {
        for (const p of f.points) heatmap.add(cameraId, p.className, p.id, p.x, p.y, f.t);
      },
      trackEnd: (trackId) => heatmap.endTrack(cameraId, trackId),
      close: () => heatmap.endCamera(cameraId),
    };
  },
};
