import type { EventBus } from '../events.js';
import type { Metrics } from '../metrics.js';
import type { DetectionCounts } from '../store/detection-counts.js';
import type { TrackStore } from '../store/track-store.js';
import type { FrameConsumer, ProcessedFrame } from './frame-processor.js';

/**
 * The frame consumers every path shares (analytics brings its own, see analytics-service.ts). Each is
 * one small object; a new one (recordings, …) is a function like these added to a consumer list.
 */

/**
 * Track lifecycle events onto the bus, and (live cameras) every frame's tracks as `track.update`.
 * `video` (the live view) is handed each frame first and returns the frame's time in the live video's
 * own clock (90 kHz), undefined when the frame is not sent; the update carries it as `rtp`.
 */
export function busConsumer(bus: EventBus, opts: { trackUpdates: boolean; video?: (f: ProcessedFrame) => number | undefined }): FrameConsumer {
  return {
    trackEvent: (camera, e) => bus.emit({ ...e, camera }),
    ...(opts.trackUpdates
      ? {
          frame: (f) => {
            const r = f.result;
            const rtp = opts.video?.(f);
            bus.emit({ type: 'track.update', camera: f.camera, t: f.timeMs / 1000, seq: r.seq, ...(r.ptsMs === undefined ? {} : { pts: r.ptsMs / 1000 }), ...(rtp === undefined ? {} : { rtp }), latencyMs: r.latencyMs, inferred: r.inferred, tracks: f.tracks });
          },
        }
      : {}),
  };
}

/** Prometheus counters: confirmed tracks per class, and (live cameras) inference figures and detections per class. */
export function metricsConsumer(metrics: Metrics, className: (classId: number) => string, opts: { frames: boolean }): FrameConsumer {
  return {
    trackEvent: (camera, e) => {
      if (e.type === 'track.new') metrics.tracks.inc({ camera, class: className(e.track.classId) });
    },
    ...(opts.frames
      ? {
          frame: (f) => {
            if (!f.counts) return;
            const cam = f.camera;
            metrics.framesInferred.inc({ camera: cam });
            metrics.inferenceSeconds.observe({ camera: cam }, f.result.inferenceMs / 1000);
            metrics.frameLatencySeconds.observe({ camera: cam }, f.result.latencyMs / 1000);
            for (const { name, count } of f.counts.values()) metrics.detections.inc({ camera: cam, class: name }, count);
          },
        }
      : {}),
  };
}

/** Finished tracks' summaries into the tracks table (buffered; written by flush). */
export function trackRecorder(store: TrackStore, className: (classId: number) => string): FrameConsumer {
  return {
    trackEvent: (camera, e) => {
      if (e.type !== 'track.end') return;
      store.add({
        camera_id: camera,
        track_id: e.track.id,
        class_id: e.track.classId,
        class_name: className(e.track.classId),
        first_seen: Math.round(e.track.firstSeen * 1000),
        last_seen: Math.round(e.track.lastSeen * 1000),
        best_score: Math.round(e.bestScore * 1000) / 1000,
        hits: e.track.hits,
        path_length: Math.round(e.pathLength * 10) / 10,
        path: JSON.stringify(e.path.map(([t, x, y]) => [Math.round(t * 1000), Math.round(x), Math.round(y)])),
      });
    },
    flush: async () => {
      await store.flush();
    },
  };
}

/** Per-second detection counts per class (live cameras); written by the appliance's flusher. */
export function detectionCounter(counts: DetectionCounts): FrameConsumer {
  return {
    frame: (f) => {
      if (f.counts) counts.record(f.camera, f.timeMs, f.counts);
    },
  };
}
