/** The one place prom-client is imported: the daemon's Prometheus metrics on a private registry. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface CameraGaugeSource {
  outbox?(): { messages: number; oldestAgeSeconds: number; dropped: number; connected: boolean };
  cameraStats(): Array<{ camera: string; status: string; up: boolean; fps: number; reconnects: number; activeTracks: number; idleSkipped: number; lastFrameAt: number | null }>;
  /** The dashboard's live view: viewers per camera and transport, and ffmpeg processes running for it. */
  liveVideo?(): { encoders: number; cameras: Array<{ camera: string; webrtc: number; mpeg1: number }> };
}

export class Metrics {
  readonly registry = new Registry();
  readonly framesDecoded: Counter<'camera'>;
  readonly framesInferred: Counter<'camera'>;
  readonly framesDropped: Counter<'camera'>;
  readonly inferenceSeconds: Histogram<'camera'>;
  readonly frameLatencySeconds: Histogram<'camera'>;
  readonly detections: Counter<'camera' | 'class'>;
  readonly tracks: Counter<'camera' | 'class'>;

  constructor(gauges?: CameraGaugeSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'vantage_process_' });
    const registers = [this.registry];
    this.framesDecoded = new Counter({ name: 'vantage_frames_decoded_total', help: 'Frames read from the decoder', labelNames: ['camera'], registers });
    this.framesInferred = new Counter({ name: 'vantage_frames_inferred_total', help: 'Frames run through the detector', labelNames: ['camera'], registers });
    this.framesDropped = new Counter({ name: 'vantage_frames_dropped_total', help: 'Frames dropped because the detector was behind (the newest frame wins)', labelNames: ['camera'], registers });
    this.detections = new Counter({ name: 'vantage_detections_total', help: 'Detections at or above the count threshold', labelNames: ['camera', 'class'], registers });
    this.tracks = new Counter({ name: 'vantage_tracks_total', help: 'Confirmed tracks (objects given an id)', labelNames: ['camera', 'class'], registers });
    this.inferenceSeconds = new Histogram({
      name: 'vantage_inference_seconds',
      help: 'Detector time per frame (preprocess + inference + decode)',
      labelNames: ['camera'],
      buckets: [0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1],
      registers,
    });
    this.frameLatencySeconds = new Histogram({
      name: 'vantage_frame_latency_seconds',
      help: 'Frame read from the pipe to detections available',
      labelNames: ['camera'],
      buckets: [0.01, 0.02, 0.04, 0.08, 0.12, 0.2, 0.4, 1, 2],
      registers,
    });
    if (gauges?.outbox) {
      const outbox = gauges.outbox.bind(gauges);
      for (const [name, help, pick] of [
        ['vantage_outbox_depth', 'Messages waiting in the outbox', (o: ReturnType<typeof outbox>) => o.messages],
        ['vantage_outbox_oldest_age_seconds', 'Age of the oldest undelivered message', (o: ReturnType<typeof outbox>) => o.oldestAgeSeconds],
        ['vantage_outbox_dropped_total', 'Undelivered messages dropped at the outbox bounds', (o: ReturnType<typeof outbox>) => o.dropped],
        ['vantage_mqtt_connected', 'Connected to the MQTT broker (1) or not (0)', (o: ReturnType<typeof outbox>) => (o.connected ? 1 : 0)],
      ] as const) {
        new Gauge({
          name,
          help,
          registers,
          collect() {
            this.set(pick(outbox()));
          },
        });
      }
    }
    if (gauges?.liveVideo) {
      const live = gauges.liveVideo.bind(gauges);
      new Gauge({
        name: 'vantage_live_viewers',
        help: 'Live-view viewers connected, per camera and transport (webrtc, mpeg1)',
        labelNames: ['camera', 'transport'],
        registers,
        collect() {
          this.reset();
          for (const c of live().cameras) {
            this.set({ camera: c.camera, transport: 'webrtc' }, c.webrtc);
            this.set({ camera: c.camera, transport: 'mpeg1' }, c.mpeg1);
          }
        },
      });
      new Gauge({
        name: 'vantage_live_encoders',
        help: 'ffmpeg processes running for the live view',
        registers,
        collect() {
          this.set(live().encoders);
        },
      });
    }
    if (gauges) {
      const statuses = ['starting', 'online', 'offline', 'stalled', 'ended', 'stopped', 'disabled'];
      new Gauge({
        name: 'vantage_camera_status',
        help: 'Camera status: 1 for the current one',
        labelNames: ['camera', 'status'],
        registers,
        collect() {
          this.reset();
          for (const s of gauges.cameraStats()) for (const st of statuses) this.set({ camera: s.camera, status: st }, s.status === st ? 1 : 0);
        },
      });
      new Gauge({
        name: 'vantage_camera_last_frame_timestamp_seconds',
        help: 'Unix time of the last decoded frame',
        labelNames: ['camera'],
        registers,
        collect() {
          this.reset();
          for (const s of gauges.cameraStats()) if (s.lastFrameAt !== null) this.set({ camera: s.camera }, Math.floor(s.lastFrameAt / 1000));
        },
      });
      const collectors: Array<[string, string, (s: ReturnType<CameraGaugeSource['cameraStats']>[number]) => number]> = [
        ['vantage_camera_up', 'Camera delivering frames (1) or not (0)', (s) => (s.up ? 1 : 0)],
        ['vantage_camera_fps', 'Frames per second delivered by the decoder', (s) => s.fps],
        ['vantage_camera_reconnects', 'Decoder restarts since start-up', (s) => s.reconnects],
        ['vantage_camera_tracks_active', 'Confirmed tracks in the latest frame', (s) => s.activeTracks],
        ['vantage_camera_frames_idle_skipped', 'Frames the adaptive detection rate kept from the detector (empty, still scene) since the camera started', (s) => s.idleSkipped],
      ];
      for (const [name, help, pick] of collectors) {
        new Gauge({
          name,
          help,
          labelNames: ['camera'],
          registers,
          collect() {
            this.reset();
            for (const s of gauges.cameraStats()) this.set({ camera: s.camera }, pick(s));
          },
        });
      }
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
