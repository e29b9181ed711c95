import type { CameraConfig } from './config/schema.js';
import type { FrameDetector } from './detect/frame-detector.js';
import type { Logger } from './logger.js';
import type { Clock } from './clock.js';
import type { CameraView } from './api/types.js';
import { CameraSource } from './sources/camera-source.js';
import { CameraPipeline, type FrameResult } from './pipeline/camera-pipeline.js';
import { redactUrl } from './util/redact.js';
import { frameToJpeg } from './detect/image.js';
import type { Letterbox } from './detect/types.js';
import { CameraTracker } from './track/camera-tracker.js';
import type { TrackerOptions, TrackerUpdate } from './track/types.js';

/** One configured camera at run time: its source, its pipeline, and the view the API shows. */
export class CameraRuntime {
  readonly pipeline: CameraPipeline | undefined;
  readonly tracker: CameraTracker | undefined;
  private activeTracks = 0;
  /** A copy of a recent frame (at most one copy a second), for snapshots and heatmap backgrounds. */
  private snapshot: { frame: Uint8Array; letterbox: Letterbox; timeMs: number } | undefined;

  constructor(
    /** Replaced in place when only zones or lines change. */
    public config: CameraConfig,
    detector: FrameDetector,
    tracking: { options: TrackerOptions; allocateId: () => number },
    hooks: {
      onResult: (r: FrameResult, u: TrackerUpdate) => void;
      onDecoded: (cameraId: string, frames: number) => void;
      onDropped: (cameraId: string) => void;
    },
    log: Logger,
    clock: Clock,
  ) {
    if (!config.enabled) return;
    const tracker = new CameraTracker(tracking.options, tracking.allocateId);
    this.tracker = tracker;
    const source = new CameraSource(
      {
        id: config.id,
        spec: { url: config.source, loop: config.loop, realtime: config.realtime, rtspTransport: config.rtsp_transport, hwaccel: config.hwaccel },
        inputWidth: detector.inputWidth,
        inputHeight: detector.inputHeight,
        plan: (w, h) => detector.plan(w, h),
        padValue: detector.manifest.input.letterbox.padValue,
        policy: 'drop-oldest',
        retry: true,
        slots: 3,
        stallTimeoutMs: config.stall_timeout * 1000,
        onDrop: () => hooks.onDropped(config.id),
      },
      log,
      clock,
    );
    source.onFrame((n) => hooks.onDecoded(config.id, n));
    const onResult = (r: FrameResult): void => {
      this.keepSnapshot(r);
      const u = tracker.update(r);
      this.activeTracks = u.tracks.length;
      hooks.onResult(r, u);
    };
    this.pipeline = new CameraPipeline(
      { cameraId: config.id, timebase: 'wall', detectEvery: config.detect_every, motionThreshold: config.motion_threshold, idleFps: config.idle_fps, maxInFlight: 1 },
      source,
      detector,
      onResult,
      log,
      clock,
    );
  }

  private keepSnapshot(r: FrameResult): void {
    const s = this.snapshot;
    if (s && r.timeMs - s.timeMs < 1000 && r.timeMs >= s.timeMs) return;
    const frame = s && s.frame.length === r.frame.length ? s.frame : new Uint8Array(r.frame.length);
    frame.set(r.frame);
    this.snapshot = { frame, letterbox: r.letterbox, timeMs: r.timeMs };
  }

  /** The latest kept frame as JPEG, or undefined before the first frame. */
  async snapshotJpeg(): Promise<{ jpeg: Buffer; timeMs: number } | undefined> {
    const s = this.snapshot;
    if (!s) return undefined;
    return { jpeg: await frameToJpeg(s.frame, s.letterbox), timeMs: s.timeMs };
  }

  get id(): string {
    return this.config.id;
  }

  view(): CameraView {
    const base = {
      id: this.config.id,
      name: this.config.name ?? this.config.id,
      source: redactUrl(this.config.source),
      liveSource: this.config.live_source ? redactUrl(this.config.live_source) : null,
      enabled: this.config.enabled,
    };
    const p = this.pipeline;
    if (!p) {
      return { ...base, status: 'disabled', fps: 0, width: null, height: null, framesDecoded: 0, framesInferred: 0, framesSkipped: 0, framesDropped: 0, reconnects: 0, lastFrameAt: null, lastError: null, inferenceMs: null, activeTracks: 0 };
    }
    const s = p.source.stats();
    return {
      ...base,
      status: s.status,
      fps: s.fps,
      width: p.source.info?.width ?? null,
      height: p.source.info?.height ?? null,
      framesDecoded: s.framesDecoded,
      framesInferred: p.framesInferred,
      framesSkipped: p.framesSkipped,
      framesDropped: s.framesDropped,
      reconnects: s.reconnects,
      lastFrameAt: s.lastFrameAt === null ? null : new Date(s.lastFrameAt).toISOString(),
      lastError: s.lastError,
      inferenceMs: p.framesInferred ? Math.round(p.lastInferenceMs * 10) / 10 : null,
      activeTracks: s.status === 'online' ? this.activeTracks : 0,
    };
  }
}
