import type { NotificationView } from './store/alert-store.js';
import type { TrackEvent, TrackSnapshot } from './track/types.js';
import type { AnalyticsEvent } from './analytics/zone-engine.js';
import type { CameraView } from './camera-runtime.js';

/** Everything the pipeline tells the rest of the system, tagged with its camera. */
export type ApplianceEvent =
  | (TrackEvent & { camera: string })
  | (AnalyticsEvent & { camera: string })
  | { type: 'analysis.started'; session: string }
  | { type: 'analysis.progress'; session: string; progress: number }
  | { type: 'analysis.completed'; session: string; report: string }
  | { type: 'analysis.failed'; session: string; error: string }
  | { type: 'alert.fired'; camera: string | null; notification: NotificationView }
  /** A camera's status changed (or the camera started); `view` is the camera as it stands now. */
  | { type: 'camera.status'; camera: string; view: CameraView }
  /** A camera was removed from the running set (not restarted). */
  | { type: 'camera.removed'; camera: string }
  | {
      type: 'track.update';
      camera: string;
      /** Frame time (s) and sequence number. */
      t: number;
      seq: number;
      /**
       * The frame's presentation time in the source (s from the decoder's start: seq / fps), the clock
       * the live view's picture shares (its WebRTC frames are these frames). Absent for other paths.
       */
      pts?: number;
      /**
       * The frame's time in the live view's WebRTC video (90 kHz, wrapping at 2^32; live-video/wrtc.ts):
       * each viewer's RTP timestamp of this very frame, less that viewer's constant offset. Absent when
       * the frame went to no viewer.
       */
      rtp?: number;
      /** Pipe read → tracks available, ms. */
      latencyMs: number;
      /** Whether the detector ran on this frame (else boxes are the motion model's). */
      inferred: boolean;
      tracks: readonly TrackSnapshot[];
    };

/** A synchronous in-process event bus; a throwing listener is isolated from the others. */
export class EventBus {
  private readonly listeners = new Set<(e: ApplianceEvent) => void>();

  constructor(private readonly onListenerError: (e: unknown) => void = () => {}) {}

  subscribe(fn: (e: ApplianceEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(e: ApplianceEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
