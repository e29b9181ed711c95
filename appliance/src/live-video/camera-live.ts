import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../logger.js';
import type { Clock } from '../clock.js';
import { VantageError, errorMessage } from '../errors.js';
import { isNetworkUrl, probe, type SourceSpec } from '../sources/ffmpeg.js';
import { liveSize, mpeg1Args } from './live-ffmpeg-args.js';
import { LiveEncoder } from './live-encoder.js';
import { TsPacketAligner } from './ts-packets.js';
import { shownError } from '../sources/source-diagnostic.js';
import type { DiagnosticParams } from '../util/diagnostic.js';
import { answerOffer, createVideoFeed, type RtcPeer, type VideoFeed } from './wrtc.js';
import type { Principal } from '../auth/roles.js';
import type { Letterbox } from '../detect/types.js';
import { letterboxedToI420, type I420 } from './frame-i420.js';
import { blurI420 } from './i420-blur.js';
import type { Region } from '../config/privacy.js';

/** The part of a WebSocket (from `ws`, through the live hub) the MPEG-1 stream uses. */
export interface StreamSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Buffer): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'close' | 'error', listener: () => void): unknown;
}

const OPEN = 1;

export interface CameraLiveOptions {
  id: string;
  spec: SourceSpec;
  maxWidth: number;
  mpeg1BitrateKbps: number;
  lingerMs: number;
  /** An MPEG-1 socket with more unsent bytes than this is dropped (it cannot keep up). */
  maxBufferedBytes: number;
  /** How long ICE gathering may take before the answer goes out with what it has. */
  gatherTimeoutMs: number;
  /** Counts live ffmpeg processes starting (+1) and exiting (-1). */
  onProcess(delta: 1 | -1): void;
  clock: Clock;
  log: Logger;
}

interface Peer {
  rtc: RtcPeer;
  viewer: Principal;
  since: number;
  disconnectedSince: number | undefined;
}

/** A WebRTC feed with no analysed frame for this long is reported idle. */
const FEED_IDLE_MS = 2000;

/**
 * One camera's live view: a WebRTC feed of the frames the camera's pipeline analysed (pushed by
 * `analysed()` in the same tick as the frame's tracks go out, so picture and boxes share one clock),
 * sent to every peer; and an MPEG-TS stream encoded by an ffmpeg of its own, sent to every MPEG-1
 * socket, which runs only while an MPEG-1 viewer is connected (plus the linger time).
 */
export class CameraLive {
  private spec: SourceSpec;
  private feed: VideoFeed | undefined;
  private feedLoading: Promise<VideoFeed> | undefined;
  private readonly peers = new Set<Peer>();
  /** MPEG-1 sockets and who watches through each. */
  private readonly sockets = new Map<StreamSocket, Principal>();
  /** WebRTC viewers whose offer is being answered: they hold a place. */
  private negotiating = 0;
  /** The answers being made (close() waits for them: each makes a peer that must be closed). */
  private readonly answering = new Set<Promise<RtcPeer>>();
  /** MPEG-1 viewers whose WebSocket handshake is under way: they hold a place. */
  private holding = 0;
  private readonly aligner = new TsPacketAligner();
  private readonly mpeg1: LiveEncoder;
  /** The I420 picture of the last analysed frame (its buffer is reused for the next). */
  private picture: I420 | undefined;
  /** When the last analysed frame went to the peers (monotonic ms). */
  private lastPushAt = -Infinity;
  private pushFailed = false;
  private closed = false;
  /** MPEG-1 sockets dropped because they could not keep up. */
  slowDropped = 0;

  constructor(private readonly opts: CameraLiveOptions) {
    this.spec = opts.spec;
    const endless = (): boolean => this.spec.loop || isNetworkUrl(this.spec.url);
    const onProcess = (running: boolean): void => opts.onProcess(running ? 1 : -1);
    this.mpeg1 = new LiveEncoder({
      prepare: async () => {
        const info = await probe(this.spec);
        return mpeg1Args(this.spec, liveSize(info.width, info.height, opts.maxWidth), info.fps, opts.mpeg1BitrateKbps, info.codec);
      },
      onChunk: (chunk) => this.sendPackets(chunk),
      onSpawn: () => this.aligner.reset(),
      loopsOrLive: endless,
      lingerMs: opts.lingerMs,
      onProcess,
      log: opts.log.child({ stream: 'mpeg1' }),
    });
  }

  /** WebRTC peers (connected or being answered) and MPEG-1 sockets. */
  get viewers(): number {
    return this.peers.size + this.negotiating + this.sockets.size + this.holding;
  }

  /** Holds a viewer's place while its WebSocket handshake completes; call the result to let go. */
  hold(): () => void {
    this.holding++;
    let held = true;
    return () => {
      if (held) this.holding--;
      held = false;
    };
  }

  stats(): { webrtc: number; mpeg1: number; encoders: { webrtc: string; mpeg1: string }; mpeg1_slow_dropped: number; last_error: string | null; last_error_code: string | null; last_error_params: DiagnosticParams | null } {
    const e = shownError(this.mpeg1.lastError, [this.spec.url]);
    return {
      webrtc: this.peers.size + this.negotiating,
      mpeg1: this.sockets.size,
      // The WebRTC picture is the camera's analysed frames: 'running' while they arrive for a peer.
      encoders: { webrtc: this.peers.size > 0 && this.opts.clock.monotonic() - this.lastPushAt < FEED_IDLE_MS ? 'running' : 'idle', mpeg1: this.mpeg1.state },
      mpeg1_slow_dropped: this.slowDropped,
      last_error: e.text,
      last_error_code: e.code,
      last_error_params: e.params,
    };
  }

  /**
   * Answers a WebRTC offer; the peer is sent every analysed frame from then on.
   * The caller has checked the viewer limits; this holds the place while answering.
   */
  async answer(offerSdp: string, viewer: Principal): Promise<string> {
    this.negotiating++;
    let rtc: RtcPeer;
    const answering = (async () => {
      this.feedLoading ??= createVideoFeed().catch((e: unknown) => {
        this.feedLoading = undefined;
        throw e;
      });
      this.feed = await this.feedLoading;
      return answerOffer(this.feed, offerSdp, this.opts.gatherTimeoutMs);
    })();
    this.answering.add(answering);
    try {
      rtc = await answering;
    } catch (e) {
      this.negotiating--;
      throw e;
    } finally {
      this.answering.delete(answering);
    }
    this.negotiating--;
    if (this.closed) {
      rtc.close();
      throw new VantageError('ERR_UNAVAILABLE', 'the camera was removed or the daemon is stopping');
    }
    this.peers.add({ rtc, viewer, since: this.opts.clock.monotonic(), disconnectedSince: undefined });
    this.demand();
    return rtc.answer;
  }

  /** Streams MPEG-TS to a WebSocket until it closes. */
  addSocket(socket: StreamSocket, viewer: Principal): void {
    if (this.closed) {
      socket.close(1001, 'camera removed');
      return;
    }
    this.sockets.set(socket, viewer);
    const gone = (): void => {
      if (this.sockets.delete(socket)) this.demand();
    };
    socket.on('close', gone);
    socket.on('error', gone);
    this.demand();
  }

  /**
   * Closes peers that are gone (closed by the client, failed, DTLS closed), disconnected for longer
   * than `graceMs`, or not connected within `connectMs` of their answer. Called every second.
   */
  sweep(graceMs: number, connectMs: number): void {
    const now = this.opts.clock.monotonic();
    let changed = false;
    for (const p of this.peers) {
      const h = p.rtc.health();
      if (h === 'connected') p.disconnectedSince = undefined;
      else if (h === 'disconnected') p.disconnectedSince ??= now;
      const stale =
        h === 'gone' ||
        (h === 'disconnected' && now - p.disconnectedSince! > graceMs) ||
        (h === 'connecting' && now - p.since > connectMs);
      if (!stale) continue;
      this.opts.log.info({ health: h }, 'WebRTC viewer left');
      p.rtc.close();
      this.peers.delete(p);
      changed = true;
    }
    if (changed) this.demand();
  }

  /** Closes the viewers (WebRTC peers and MPEG-1 sockets) for whom `holds` is false: their access was taken away. */
  recheck(holds: (viewer: Principal) => boolean): void {
    let changed = false;
    for (const p of this.peers) {
      if (holds(p.viewer)) continue;
      this.opts.log.info({ viewer: p.viewer.name }, 'WebRTC viewer lost access; closed');
      p.rtc.close();
      this.peers.delete(p);
      changed = true;
    }
    for (const [s, viewer] of this.sockets) {
      if (holds(viewer)) continue;
      this.sockets.delete(s);
      closeSocket(s, 1008, 'access revoked');
      changed = true;
    }
    if (changed) this.demand();
  }

  /** Closes every MPEG-1 socket (policy violation, with the reason): the camera's privacy no longer lets that stream out. */
  closeMpeg1(reason: string): void {
    if (!this.sockets.size) return;
    for (const s of this.sockets.keys()) closeSocket(s, 1008, reason.slice(0, 120));
    this.sockets.clear();
    this.demand();
  }

  /** The camera's stream changed: the MPEG-1 encoder restarts with it; viewers stay connected. */
  setSpec(spec: SourceSpec): void {
    if (isDeepStrictEqual(spec, this.spec)) return;
    this.spec = spec;
    void this.mpeg1.restart();
  }

  /**
   * One frame the camera's pipeline analysed (letterboxed gbrp, valid only during the call): its picture
   * area, with `blur()` (source pixels, asked only when someone watches) blurred, goes to every WebRTC
   * peer now, in the tick its tracks are published. Returns the frame's time in the video's clock
   * (wrtc.ts RTP_HZ), undefined when it went to nobody.
   */
  analysed(frame: Uint8Array, lb: Letterbox, blur: () => readonly Region[]): number | undefined {
    if (!this.feed || this.peers.size === 0 || this.closed) return undefined;
    const pic = (this.picture = letterboxedToI420(frame, lb, this.picture));
    blurI420(pic, lb, blur());
    try {
      const rtp = this.feed.push(pic.width, pic.height, pic.data); // synchronous: wrtc copies the frame
      this.lastPushAt = this.opts.clock.monotonic();
      return rtp;
    } catch (e) {
      if (!this.pushFailed) this.opts.log.error({ err: errorMessage(e) }, 'WebRTC refused a frame');
      this.pushFailed = true;
      return undefined;
    }
  }

  /** Closes every viewer, drops the WebRTC feed and waits for the MPEG-1 ffmpeg to exit. */
  async close(reason: string): Promise<void> {
    this.closed = true;
    for (const p of this.peers) p.rtc.close();
    this.peers.clear();
    for (const s of this.sockets.keys()) closeSocket(s, 1001, reason);
    this.sockets.clear();
    // An answer under way ends by closing its peer (answer() sees `closed`).
    await Promise.all([this.mpeg1.close(), ...[...this.answering].map((a) => a.catch(() => undefined))]);
    // Peers first, then the feed they sent: nothing here holds a native object any more.
    this.feed = undefined;
    this.feedLoading = undefined;
  }

  private demand(): void {
    this.mpeg1.want(this.sockets.size > 0);
    if (this.peers.size === 0) this.picture = undefined;
  }

  private sendPackets(chunk: Buffer): void {
    const packets = this.aligner.push(chunk);
    if (!packets) return;
    let dropped = false;
    for (const s of this.sockets.keys()) {
      if (s.readyState !== OPEN) continue;
      if (s.bufferedAmount > this.opts.maxBufferedBytes) {
        this.sockets.delete(s);
        this.slowDropped++;
        dropped = true;
        this.opts.log.warn({ buffered: s.bufferedAmount }, 'MPEG-1 viewer too slow; dropped');
        closeSocket(s, 1013, 'too slow');
        continue;
      }
      s.send(packets);
    }
    if (dropped) this.demand();
  }
}

function closeSocket(s: StreamSocket, code: number, reason: string): void {
  s.close(code, reason);
  // A client that does not answer the close handshake is cut off.
  setTimeout(() => s.terminate(), 1000).unref();
}
