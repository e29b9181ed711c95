import type { CameraConfig } from './config/schema.js';
import type { FrameDetector } from './detect/frame-detector.js';
import type { Logger } from './logger.js';
import type { Clock } from './clock.js';
import { CameraSource } from './sources/camera-source.js';
import { CameraPipeline, type FrameResult } from './pipeline/camera-pipeline.js';
import { redactUrl } from './util/redact.js';
import { frameToJpeg } from './detect/image.js';
import type { Letterbox } from './detect/types.js';
import { CameraTracker } from './track/camera-tracker.js';
import type { TrackerOptions } from './track/types.js';
import { FrameProcessor, type FrameConsumer } from './pipeline/frame-processor.js';
import type { CameraGaugeSource } from './metrics.js';
import { blurRegions, privacyOf, type PixelBox, type Privacy } from './config/privacy.js';
import type { TrackSnapshot } from './track/types.js';
import { shownError } from './sources/source-diagnostic.js';
import type { DiagnosticParams } from './util/diagnostic.js';

/** A camera as the API, the live hub and MQTT show it. */
export interface CameraView {
  id: string;
  name: string;
  /** Source URL with credentials redacted. */
  source: string;
  /** Sub-stream for the live view, credentials redacted; null when the live view uses `source`. */
  liveSource: string | null;
  enabled: boolean;
  status: 'starting' | 'online' | 'offline' | 'stalled' | 'ended' | 'stopped' | 'disabled';
  fps: number;
  width: number | null;
  height: number | null;
  framesDecoded: number;
  framesInferred: number;
  /** Frames not run through the detector (detect_every, motion gate, adaptive rate). */
  framesSkipped: number;
  /** Of framesSkipped: frames the adaptive rate (cameras[].idle_fps) saved on an empty, still scene. */
  framesIdleSkipped: number;
  /** The model this camera runs (its manifest's name). */
  model: string | null;
  /** The model input planned for this camera's stream (e.g. 416x320 for a 4:3 camera); null before the first connect. */
  inputWidth: number | null;
  inputHeight: number | null;
  framesDropped: number;
  reconnects: number;
  lastFrameAt: string | null;
  lastError: string | null;
  /** lastError as a stable code and its figures (sources/source-diagnostic.ts), for a sentence in the reader's language; null with no error. */
  lastErrorCode: string | null;
  lastErrorParams: DiagnosticParams | null;
  inferenceMs: number | null;
  /** Confirmed tracks seen in the latest frame. */
  activeTracks: number;
}

/** One configured camera at run time: its source, its pipeline, its frame processor, and the view the API shows. */
export class CameraRuntime {
  readonly pipeline: CameraPipeline | undefined;
  /** Tracker and consumers of this camera's frames (undefined when disabled). */
  readonly processor: FrameProcessor | undefined;
  private activeTracks = 0;
  private readonly model: string | null = null;
  /**
   * A copy of a recent frame (at most one copy a second), for snapshots and heatmap backgrounds, with
   * the boxes (source pixels) of that frame's tracks and detections by class name, for the privacy blur.
   */
  private snapshot: { frame: Uint8Array; letterbox: Letterbox; timeMs: number; boxes: Array<PixelBox & { className: string }> } | undefined;
  private readonly className: (id: number) => string = String;

  constructor(
    /** Replaced in place when only zones or lines change. */
    public config: CameraConfig,
    detector: FrameDetector,
    tracking: { options: TrackerOptions; allocateId: () => number },
    frames: { consumers: readonly FrameConsumer[]; countThreshold: number },
    hooks: {
      onDecoded: (cameraId: string, frames: number) => void;
      onDropped: (cameraId: string) => void;
      /** The source's status changed; the view is the camera as it stands now. */
      onStatus: (view: CameraView) => void;
    },
    log: Logger,
    clock: Clock,
  ) {
    if (!config.enabled) return;
    this.model = detector.manifest.name;
    this.className = (id) => detector.className(id);
    const processor = new FrameProcessor({
      camera: config.id,
      tracker: new CameraTracker(tracking.options, tracking.allocateId),
      countThreshold: frames.countThreshold,
      className: (id) => detector.className(id),
      consumers: frames.consumers,
    });
    this.processor = processor;
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
    source.onStatus(() => hooks.onStatus(this.view()));
    const onResult = (r: FrameResult): void => {
      const { tracks } = processor.process(r);
      this.activeTracks = tracks.length;
      this.keepSnapshot(r, tracks);
    };
    this.pipeline = new CameraPipeline(
      { cameraId: config.id, timebase: 'wall', detectEvery: config.detect_every, motionThreshold: config.motion_threshold, idleFps: config.idle_fps, activeScore: frames.countThreshold, maxInFlight: 1 },
      source,
      detector,
      onResult,
      log,
      clock,
    );
  }

  private keepSnapshot(r: FrameResult, tracks: readonly TrackSnapshot[]): void {
    const s = this.snapshot;
    if (s && r.timeMs - s.timeMs < 1000 && r.timeMs >= s.timeMs) return;
    const frame = s && s.frame.length === r.frame.length ? s.frame : new Uint8Array(r.frame.length);
    frame.set(r.frame);
    // Tracks (carried between detector runs) and this frame's raw detections, unconfirmed ones too: a blur errs on the side of more.
    const boxes = [...tracks, ...r.detections].map((t) => ({ ...t.box, className: this.className(t.classId) }));
    this.snapshot = { frame, letterbox: r.letterbox, timeMs: r.timeMs, boxes };
  }

  /**
   * The latest kept frame as JPEG with the privacy in force blurred (the global `privacy` with this
   * camera's own keys over it); undefined before the first frame, and always under metadata_only.
   */
  async snapshotJpeg(global: Privacy): Promise<{ jpeg: Buffer; timeMs: number } | undefined> {
    const s = this.snapshot;
    const p = privacyOf(global, this.config);
    if (!s || p.metadata_only) return undefined;
    const boxes = s.boxes.filter((b) => p.classes.includes(b.className));
    const regions = blurRegions(p.blur, boxes, s.letterbox.srcWidth, s.letterbox.srcHeight);
    return { jpeg: await frameToJpeg(s.frame, s.letterbox, 80, regions), timeMs: s.timeMs };
  }

  /** The person boxes of the latest kept frame (source pixels), by class name: what snapshotJpeg blurs. */
  snapshotBoxes(): ReadonlyArray<PixelBox & { className: string }> {
    return this.snapshot?.boxes ?? [];
  }

  get id(): string {
    return this.config.id;
  }

  /** This camera's row of the Prometheus camera gauges. */
  gauge(): ReturnType<CameraGaugeSource['cameraStats']>[number] {
    const v = this.view();
    return { camera: v.id, status: v.status, up: v.status === 'online', fps: v.fps, reconnects: v.reconnects, activeTracks: v.activeTracks, idleSkipped: v.framesIdleSkipped, lastFrameAt: v.lastFrameAt === null ? null : Date.parse(v.lastFrameAt) };
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
      return { ...base, status: 'disabled', fps: 0, width: null, height: null, framesDecoded: 0, framesInferred: 0, framesSkipped: 0, framesIdleSkipped: 0, model: null, inputWidth: null, inputHeight: null, framesDropped: 0, reconnects: 0, lastFrameAt: null, lastError: null, lastErrorCode: null, lastErrorParams: null, inferenceMs: null, activeTracks: 0 };
    }
    const s = p.source.stats();
    // Redacted once more here, where the camera's own URL is known: its secrets never reach a viewer.
    const e = shownError(s.lastError, [this.config.source, this.config.live_source]);
    return {
      ...base,
      status: s.status,
      fps: s.fps,
      width: p.source.info?.width ?? null,
      height: p.source.info?.height ?? null,
      framesDecoded: s.framesDecoded,
      framesInferred: p.framesInferred,
      framesSkipped: p.framesSkipped,
      framesIdleSkipped: p.framesIdleSkipped,
      model: this.model,
      inputWidth: p.source.letterbox?.inputWidth ?? null,
      inputHeight: p.source.letterbox?.inputHeight ?? null,
      framesDropped: s.framesDropped,
      reconnects: s.reconnects,
      lastFrameAt: s.lastFrameAt === null ? null : new Date(s.lastFrameAt).toISOString(),
      lastError: e.text,
      lastErrorCode: e.code,
      lastErrorParams: e.params,
      inferenceMs: p.framesInferred ? Math.round(p.lastInferenceMs * 10) / 10 : null,
      activeTracks: s.status === 'online' ? this.activeTracks : 0,
    };
  }
}
