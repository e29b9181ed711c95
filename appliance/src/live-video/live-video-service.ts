import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import type { CameraConfig, Config } from '../config/schema.js';
import type { SourceSpec } from '../sources/ffmpeg.js';
import { allows, type Principal } from '../auth/roles.js';
import { VantageError, isVantageError, type ErrorCode } from '../errors.js';
import { CameraLive, type StreamSocket } from './camera-live.js';
import { releaseWrtc } from './wrtc.js';
import type { ProcessedFrame } from '../pipeline/frame-processor.js';
import type { Privacy } from '../config/privacy.js';
import { frameBlurRegions } from './i420-blur.js';

export type LiveVideoConfig = Config['live_video'];

export interface LiveVideoDeps {
  config: LiveVideoConfig;
  /** An MPEG-1 socket with more unsent bytes than this is dropped. */
  maxBufferedBytes: number;
  /** A camera's effective config (file + API overrides), undefined when there is no such camera. */
  camera(id: string): CameraConfig | undefined;
  /** Who opens a WebSocket (ticket, key, bearer or same-origin cookie). */
  authenticate(req: IncomingMessage): Promise<Principal | undefined>;
  /** Whether a viewer let in earlier still may watch (not logged out, revoked, deleted or changed). */
  holds(p: Principal, need: 'cameras:read'): boolean;
  /** Completes a WebSocket handshake (the live hub owns the WebSocket library). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<StreamSocket>;
  clock: Clock;
  log: Logger;
  /** Why a camera's picture may not be shown (privacy.metadata_only), undefined when it may. */
  withheld?(id: string): string | undefined;
  /** The privacy in force for a camera: its `blur` applies to the WebRTC picture (i420-blur.ts). */
  privacy?(id: string): Privacy;
  /** Class id → model class name (the privacy's `classes` are names). */
  className?(classId: number): string;
}

/** `GET /api/v1/cameras/:id/mpeg1` with `Upgrade: websocket`: MPEG-TS for JSMpeg. */
export const MPEG1_PATH = /^\/api\/v1\/cameras\/([^/]+)\/mpeg1$/;

const GATHER_TIMEOUT_MS = 3000;
/** A WebRTC peer must connect within this long of its answer, or its place is given back. */
const CONNECT_TIMEOUT_MS = 20_000;
/** A disconnected peer that does not come back within this long is closed. */
const DISCONNECT_GRACE_MS = 5000;

const UPGRADE_STATUS: Partial<Record<ErrorCode, number>> = { ERR_NOT_FOUND: 404, ERR_CONFLICT: 409, ERR_UNAVAILABLE: 503, ERR_FORBIDDEN: 403 };

/** What the live view of a camera plays: its `live_source` (else `source`), always paced in real time. */
export function liveSpec(c: CameraConfig): SourceSpec {
  return { url: c.live_source ?? c.source, loop: c.loop, realtime: true, rtspTransport: c.rtsp_transport, hwaccel: c.hwaccel };
}

/**
 * The dashboard's live view of every camera: WebRTC answers (the picture is the camera's analysed
 * frames) and MPEG-1 WebSockets (one ffmpeg per camera that runs only while someone watches that
 * way), bounded per camera and in total.
 */
export class LiveVideo {
  private readonly cams = new Map<string, CameraLive>();
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Live-view ffmpeg processes alive. */
  private processes = 0;

  constructor(private readonly deps: LiveVideoDeps) {}

  start(): void {
    let ticks = 0;
    this.sweeper = setInterval(() => {
      for (const cam of this.cams.values()) cam.sweep(DISCONNECT_GRACE_MS, CONNECT_TIMEOUT_MS);
      if (++ticks % 5 === 0) this.recheck(); // access taken away outside this process (CLI, a login's end)
    }, 1000);
    this.sweeper.unref();
  }

  /**
   * A frame a live camera's pipeline analysed (handed over by the bus consumer just before it publishes
   * the frame's tracks): its picture, blurred as the camera's privacy says, goes to the camera's WebRTC
   * viewers now. Returns the frame's time in the video's clock (the update's `rtp`), undefined when
   * nobody watches.
   */
  frame(f: ProcessedFrame): number | undefined {
    const { privacy, className } = this.deps;
    return this.cams.get(f.camera)?.analysed(f.result.frame, f.result.letterbox, () => (privacy && className ? frameBlurRegions(privacy(f.camera), f, className) : []));
  }

  /** Answers a WebRTC offer for a camera: 404 unknown, 409 disabled, 400 bad SDP, 503 over a limit. */
  answer(cameraId: string, offerSdp: string, viewer: Principal): Promise<string> {
    return this.admit(cameraId).answer(offerSdp, viewer);
  }

  /** Closes every viewer whose access was taken away (logout, key revocation, deletion, a new role). */
  recheck(): void {
    for (const cam of this.cams.values()) cam.recheck((p) => this.deps.holds(p, 'cameras:read'));
  }

  matches(path: string): boolean {
    return MPEG1_PATH.test(path);
  }

  /** An upgrade to the MPEG-1 path: authenticated and admitted like the HTTP routes, refused with their status. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const raw = MPEG1_PATH.exec((req.url ?? '').split('?')[0] ?? '')?.[1] ?? '';
    socket.on('error', () => socket.destroy());
    void this.deps.authenticate(req).then(
      (p) => {
        if (!p) return refuse(socket, 401, 'ERR_UNAUTHORIZED', 'sign in: a bearer header, an X-API-Key, ?ticket= from POST /api/v1/live/ticket, or the dashboard cookie');
        if (!allows(p, 'cameras:read')) return refuse(socket, 403, 'ERR_FORBIDDEN', `${p.kind === 'key' ? 'this API key' : `role ${p.role}`} may not do this (needs cameras:read)`);
        let cam: CameraLive;
        try {
          const blurred = this.mpeg1Blurred(decode(raw));
          if (blurred) throw new VantageError('ERR_FORBIDDEN', blurred);
          cam = this.admit(decode(raw));
        } catch (e) {
          if (isVantageError(e) && UPGRADE_STATUS[e.code]) return refuse(socket, UPGRADE_STATUS[e.code]!, e.code, e.message);
          throw e;
        }
        const release = cam.hold();
        this.deps.upgrade(req, socket, head).then(
          (ws) => {
            release();
            cam.addSocket(ws, p);
          },
          () => {
            release();
            socket.destroy();
          },
        );
      },
    ).catch((e: unknown) => {
      this.deps.log.error({ err: e }, 'MPEG-1 upgrade failed');
      socket.destroy();
    });
  }

  /** Cameras changed (API, SIGHUP): viewers of removed or disabled cameras are closed, changed streams restart. */
  async apply(cameras: readonly CameraConfig[]): Promise<void> {
    const byId = new Map(cameras.map((c) => [c.id, c]));
    const closing: Array<Promise<void>> = [];
    for (const [id, cam] of this.cams) {
      const c = byId.get(id);
      if (c?.enabled && !this.deps.withheld?.(id)) {
        cam.setSpec(liveSpec(c));
        const blurred = this.mpeg1Blurred(id);
        if (blurred) cam.closeMpeg1(blurred);
        continue;
      }
      this.cams.delete(id);
      closing.push(cam.close(!c ? 'camera removed' : c.enabled ? 'privacy.metadata_only' : 'camera disabled'));
    }
    await Promise.all(closing);
  }

  stats(): { viewers: number; encoders: number; cameras: Array<{ camera: string } & ReturnType<CameraLive['stats']>> } {
    const cameras = [...this.cams].map(([camera, cam]) => ({ camera, ...cam.stats() }));
    return { viewers: cameras.reduce((n, c) => n + c.webrtc + c.mpeg1, 0), encoders: this.processes, cameras };
  }

  /**
   * Closes every viewer, waits until no live-view ffmpeg is left, then releases WebRTC's native
   * objects in order (closed peers, stopped tracks, the feeds) so the process can end cleanly.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    const cams = [...this.cams.values()];
    this.cams.clear();
    await Promise.all(cams.map((c) => c.close('server shutting down')));
    const left = await releaseWrtc();
    if (left > 0) this.deps.log.warn({ objects: left }, 'WebRTC objects still referenced at stop; the process may not exit cleanly');
  }

  /**
   * Why a camera's MPEG-1 stream is refused although its picture may be shown: the MPEG-1 stream is
   * the source decoded by an ffmpeg of its own, apart from the analysis, so it has no boxes to blur
   * people by; under privacy.blur only the WebRTC picture (the analysed frames, blurred) is served.
   */
  private mpeg1Blurred(id: string): string | undefined {
    const blur = this.deps.camera(id) && this.deps.privacy?.(id).blur;
    return blur && blur !== 'none' ? `privacy.blur is ${blur} for this camera: the MPEG-1 stream cannot be blurred (it is decoded apart from the analysis); watch over WebRTC` : undefined;
  }

  private admit(id: string): CameraLive {
    if (this.stopped) throw new VantageError('ERR_UNAVAILABLE', 'the daemon is stopping');
    const cfg = this.deps.camera(id);
    if (!cfg) throw new VantageError('ERR_NOT_FOUND', `no camera "${id}"`);
    if (!cfg.enabled) throw new VantageError('ERR_CONFLICT', `camera "${id}" is disabled`);
    const withheld = this.deps.withheld?.(id);
    if (withheld) throw new VantageError('ERR_FORBIDDEN', withheld);
    const { max_viewers_per_camera: perCamera, max_viewers: total } = this.deps.config;
    let cam = this.cams.get(id);
    if (cam && cam.viewers >= perCamera) {
      throw new VantageError('ERR_UNAVAILABLE', `camera "${id}" already has ${perCamera} live viewers (live_video.max_viewers_per_camera); try again later`);
    }
    let all = 0;
    for (const c of this.cams.values()) all += c.viewers;
    if (all >= total) throw new VantageError('ERR_UNAVAILABLE', `${total} live viewers already watch (live_video.max_viewers); try again later`);
    if (!cam) {
      cam = new CameraLive({
        id,
        spec: liveSpec(cfg),
        maxWidth: this.deps.config.max_width,
        mpeg1BitrateKbps: this.deps.config.mpeg1_bitrate_kbps,
        lingerMs: this.deps.config.linger_seconds * 1000,
        maxBufferedBytes: this.deps.maxBufferedBytes,
        gatherTimeoutMs: GATHER_TIMEOUT_MS,
        onProcess: (d) => (this.processes += d),
        clock: this.deps.clock,
        log: this.deps.log.child({ camera: id }),
      });
      this.cams.set(id, cam);
    } else {
      cam.setSpec(liveSpec(cfg));
    }
    return cam;
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
