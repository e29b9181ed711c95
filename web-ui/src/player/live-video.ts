import { api, apiFetch, call, href, wsUrl } from '../api/client';
import type { ShownFrame } from './track-buffer';

export type VideoMode = 'off' | 'connecting' | 'webrtc' | 'mpeg1' | 'snapshot';

/** No first frame within this long: try the next way. */
const FIRST_FRAME_MS = 5000;
/** No new frame for this long once playing: start again from the top. */
const STALL_MS = 10_000;
const SNAPSHOT_EVERY_MS = 1000;

let routes: Promise<Set<string>> | undefined;

/**
 * The live-video routes the daemon mounts, from its OpenAPI document (the list of every mounted
 * route, the MPEG-1 WebSocket included): a daemon without them is not asked (no 404 to log). Once per page.
 */
function liveRoutes(): Promise<Set<string>> {
  routes ??= call<{ paths: Record<string, Record<string, unknown>> }>(api.GET('/api/v1/openapi.json')).then(
    (doc) => new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))),
    () => {
      routes = undefined;
      return new Set<string>();
    },
  );
  return routes;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/** Resolves when ICE gathering completes (the daemon's answer is non-trickle, so is our offer). */
function iceGathered(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', done);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', done);
    // With no STUN server host candidates come at once; never wait long for the rest.
    setTimeout(resolve, timeoutMs);
  });
}

/**
 * The live picture of one camera in `host`: WebRTC if the daemon offers it, else MPEG-1 over a
 * WebSocket into JSMpeg, else the snapshot refreshed every second. Tells which through `onMode`.
 * `close()` ends every connection it opened.
 */
export class LiveVideo {
  private readonly abort = new AbortController();
  private cleanups: Array<() => void> = [];
  /** Time of the latest frame shown. */
  private lastFrameAt = 0;
  /** Frames shown since start (every way together). */
  frames = 0;
  mode: VideoMode = 'off';

  constructor(
    private readonly camera: string,
    private readonly host: HTMLElement,
    private readonly onMode: (m: VideoMode) => void,
    /**
     * A WebRTC frame is on screen: when it arrived (performance.now() clock, requestVideoFrameCallback's
     * receiveTime) and its RTP timestamp (which names its `tracks` message, see TrackBuffer).
     */
    private readonly onShown: (frame: ShownFrame) => void = () => {},
  ) {}

  start(): void {
    void this.run();
  }

  close(): void {
    this.abort.abort();
    this.teardown();
    this.setMode('off');
  }

  private frame(): void {
    this.lastFrameAt = performance.now();
    this.frames++;
  }

  private get closed(): boolean {
    return this.abort.signal.aborted;
  }

  private setMode(m: VideoMode): void {
    this.mode = m;
    this.onMode(m);
  }

  private teardown(): void {
    const c = this.cleanups;
    this.cleanups = [];
    for (const fn of c.reverse()) {
      try {
        fn();
      } catch {
        // already closed
      }
    }
  }

  private async run(): Promise<void> {
    this.setMode('connecting');
    const has = await liveRoutes();
    if (this.closed) return;
    if (typeof RTCPeerConnection !== 'undefined' && has.has('POST /api/v1/cameras/{id}/webrtc') && (await this.attempt(() => this.webrtc()))) return this.watch();
    if (this.closed) return;
    if (has.has('GET /api/v1/cameras/{id}/mpeg1') && (await this.attempt(() => this.mpeg1()))) return this.watch();
    if (this.closed) return;
    this.snapshots();
  }

  /** Runs one way of playing; false (and everything it opened closed) if it showed no frame in time. */
  private async attempt(fn: () => Promise<void>): Promise<boolean> {
    this.lastFrameAt = 0;
    try {
      await fn();
      const deadline = performance.now() + FIRST_FRAME_MS;
      while (!this.closed && this.lastFrameAt === 0 && performance.now() < deadline) await delay(100, this.abort.signal);
      if (this.lastFrameAt > 0 && !this.closed) return true;
    } catch {
      // refused or broke: the next way
    }
    this.teardown();
    return false;
  }

  /** Once playing: if frames stop, close and start again (the stream or the daemon restarted). */
  private async watch(): Promise<void> {
    while (!this.closed) {
      await delay(1000, this.abort.signal);
      if (this.closed) return;
      if (performance.now() - this.lastFrameAt > STALL_MS) {
        this.teardown();
        void this.run();
        return;
      }
    }
  }

  private async webrtc(): Promise<void> {
    const video = document.createElement('video');
    video.className = 'live-media';
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    this.host.append(video);
    const pc = new RTCPeerConnection({ iceServers: [] });
    this.cleanups.push(() => {
      pc.close();
      video.srcObject = null;
      video.remove();
    });
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.ontrack = (e) => {
      video.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      video.play().catch(() => undefined);
    };
    const onFrame = (now: number, meta: VideoFrameCallbackMetadata) => {
      this.frame();
      if (this.mode !== 'webrtc') this.setMode('webrtc');
      this.onShown({ receivedAt: meta.receiveTime ?? now, rtp: meta.rtpTimestamp });
      if (!this.closed) video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc, 2000);
    const answer = await call<RTCSessionDescriptionInit>(
      api.POST('/api/v1/cameras/{id}/webrtc', { params: { path: { id: this.camera } }, body: { type: 'offer', sdp: pc.localDescription!.sdp }, signal: this.abort.signal }),
    );
    if (this.closed) return;
    await pc.setRemoteDescription(answer);
  }

  private async mpeg1(): Promise<void> {
    const { default: JSMpeg } = await import('@cycjimmy/jsmpeg-player');
    if (this.closed) return;
    const canvas = document.createElement('canvas');
    canvas.className = 'live-media';
    this.host.append(canvas);
    const player = new JSMpeg.Player(wsUrl('/api/v1/cameras/{id}/mpeg1', { path: { id: this.camera } }), {
      canvas,
      audio: false,
      disableWebAssembly: true,
      pauseWhenHidden: false,
      reconnectInterval: 0,
      videoBufferSize: 1024 * 1024,
      onVideoDecode: () => {
        this.frame();
        if (this.mode !== 'mpeg1') this.setMode('mpeg1');
      },
    });
    this.cleanups.push(() => {
      player.destroy();
      canvas.remove();
    });
  }

  /** The last resort: the camera's snapshot every second, fetched as a blob (no flicker, no cache). */
  private snapshots(): void {
    const img = document.createElement('img');
    img.className = 'live-media';
    img.alt = '';
    this.host.append(img);
    let url: string | undefined;
    this.cleanups.push(() => {
      img.remove();
      if (url) URL.revokeObjectURL(url);
    });
    this.setMode('snapshot');
    const signal = this.abort.signal;
    void (async () => {
      while (!signal.aborted) {
        const started = performance.now();
        try {
          const res = await apiFetch(new Request(location.origin + href('/api/v1/cameras/{id}/snapshot.jpg', { path: { id: this.camera } }), { signal }));
          if (res.ok) {
            const next = URL.createObjectURL(await res.blob());
            await new Promise<void>((resolve) => {
              img.onload = img.onerror = () => resolve();
              img.src = next;
            });
            if (url) URL.revokeObjectURL(url);
            url = next;
            this.frame();
          }
        } catch {
          // aborted, or the daemon is restarting: try again
        }
        await delay(Math.max(0, SNAPSHOT_EVERY_MS - (performance.now() - started)), signal);
      }
    })();
  }
}
