/**
 * The one place @roamhq/wrtc is imported: a video feed (nonstandard.RTCVideoSource) and send-only
 * peers that answer a browser's offer. The native module is loaded on first use, so a daemon nobody
 * watches never loads it, and a box without its binary still runs (the live view answers 503).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { VantageError, errorMessage } from '../errors.js';

/** What a peer looks like from outside; `gone` means it will not come back (closed, failed, DTLS closed). */
export type PeerHealth = 'connecting' | 'connected' | 'disconnected' | 'gone';

export interface VideoFeed {
  /**
   * Hands one I420 frame (width × height × 1.5 bytes) to every peer; wrtc copies it before returning.
   * Returns the frame's time in the video's own clock, 90 kHz wrapping at 2^32 (see `RTP_HZ`): every
   * peer's RTP timestamp of this frame is this value plus that peer's constant (random) offset.
   */
  push(width: number, height: number, i420: Uint8Array): number;
}

/**
 * The RTP clock of the video (ticks per second). wrtc's RTCVideoSource has no way to give a frame its
 * own timestamp: it stamps each frame with the moment it is pushed, and libwebrtc turns that moment
 * (its monotonic clock, in whole ms) into the RTP timestamp, 90 per ms, plus a random offset chosen
 * per sender. So the time a frame is pushed, on the same monotonic clock (performance.now()), names
 * that frame in every peer's stream up to the offset, which the player learns (web-ui/src/player/rtp-lock.ts).
 */
export const RTP_HZ = 90_000;

export interface RtcPeer {
  /** The answer SDP, with this side's host ICE candidates (non-trickle). */
  readonly answer: string;
  health(): PeerHealth;
  close(): void;
}

// The package's typings name DOM types this project does not load; these are the parts we use.
interface Track {
  stop(): void;
}
interface Transceiver {
  direction: string;
  readonly mid: string | null;
  receiver: { track: { kind: string } };
  sender: { track: Track | null; transport: { state: string } | null };
}
interface PeerConnection {
  readonly connectionState: string;
  readonly iceGatheringState: string;
  readonly localDescription: { sdp: string } | null;
  setRemoteDescription(d: { type: 'offer'; sdp: string }): Promise<void>;
  addTrack(track: Track): unknown;
  getTransceivers(): Transceiver[];
  createAnswer(): Promise<{ type: 'answer'; sdp: string }>;
  setLocalDescription(d: { type: 'answer'; sdp: string }): Promise<void>;
  addEventListener(type: 'icegatheringstatechange', fn: () => void): void;
  removeEventListener(type: 'icegatheringstatechange', fn: () => void): void;
  close(): void;
}
interface Wrtc {
  RTCPeerConnection: new (config: { iceServers: unknown[] }) => PeerConnection;
  nonstandard: { RTCVideoSource: new () => { createTrack(): Track; onFrame(frame: { width: number; height: number; data: Uint8Array }): void } };
}

let loading: Promise<Wrtc> | undefined;

/**
 * The native objects this module made (feeds, peers, tracks) that have not been finalized yet. At the
 * end of a process, Node finalizes whatever native wrappers are left in no set order, and wrtc's
 * wrappers point at each other (a DTLS transport at its ICE transport, a receiver at its track): one
 * freed before the other crashes the process (SIGSEGV/SIGABRT after "stopped"). `releaseWrtc()`
 * has them collected while the process still runs, where each is finalized before what it points at.
 */
let unreleased = 0;
const finalized = new FinalizationRegistry<undefined>(() => {
  unreleased--;
});

function tracked<T extends object>(o: T): T {
  unreleased++;
  finalized.register(o, undefined);
  return o;
}

function wrtc(): Promise<Wrtc> {
  loading ??= import('@roamhq/wrtc').then(
    (m) => ((m as { default?: unknown }).default ?? m) as Wrtc,
    (e: unknown) => {
      throw new VantageError('ERR_UNAVAILABLE', `WebRTC is not available on this box (${errorMessage(e)}); use the MPEG-1 stream`);
    },
  );
  return loading;
}

class WrtcFeed implements VideoFeed {
  constructor(readonly source: InstanceType<Wrtc['nonstandard']['RTCVideoSource']>) {}
  push(width: number, height: number, i420: Uint8Array): number {
    const at = performance.now();
    this.source.onFrame({ width, height, data: i420 });
    return Math.round(at * (RTP_HZ / 1000)) % 2 ** 32;
  }
}

/** One video source that many peers send; each peer gets its own track of it. */
export async function createVideoFeed(): Promise<VideoFeed> {
  const w = await wrtc();
  return new WrtcFeed(tracked(new w.nonstandard.RTCVideoSource()));
}

/**
 * Answers a browser's offer with a send-only video peer fed by `feed`. Host candidates only (no
 * STUN: the dashboard is on the LAN); the answer is returned once ICE gathering completed (or after
 * `gatherTimeoutMs` with what was gathered). A malformed offer, or one that does not ask to receive
 * video, is a VantageError naming the `sdp` field.
 */
export async function answerOffer(feed: VideoFeed, offerSdp: string, gatherTimeoutMs: number): Promise<RtcPeer> {
  if (!/^m=video /m.test(offerSdp)) throw new VantageError('ERR_BAD_REQUEST', 'the offer has no video section (m=video) to receive the camera on', { field: 'sdp' });
  const w = await wrtc();
  if (!(feed instanceof WrtcFeed)) throw new TypeError('feed was not made by createVideoFeed');
  const pc = tracked(new w.RTCPeerConnection({ iceServers: [] }));
  const track = tracked(feed.source.createTrack());
  try {
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    } catch (e) {
      throw new VantageError('ERR_BAD_REQUEST', `the offer is not valid SDP: ${errorMessage(e)}`, { field: 'sdp' });
    }
    pc.addTrack(track);
    // addTrack took over the offer's video section (a transceiver with a mid) if there was one.
    const video = pc.getTransceivers().find((t) => t.mid !== null && t.receiver.track.kind === 'video' && t.sender.track !== null);
    if (!video) throw new VantageError('ERR_BAD_REQUEST', 'the offer has no video section to receive the camera on', { field: 'sdp' });
    video.direction = 'sendonly';
    await pc.setLocalDescription(await pc.createAnswer());
    if (!/^a=sendonly/m.test(pc.localDescription?.sdp ?? '')) {
      throw new VantageError('ERR_BAD_REQUEST', 'the offer does not ask to receive video (its video section must be recvonly or sendrecv)', { field: 'sdp' });
    }
    await gathered(pc, gatherTimeoutMs);
    const answer = pc.localDescription?.sdp;
    if (!answer) throw new VantageError('ERR_UNAVAILABLE', 'WebRTC produced no answer');
    let closed = false;
    return {
      answer,
      health(): PeerHealth {
        if (closed) return 'gone';
        const dtls = video.sender.transport?.state;
        // A client that closes sends DTLS close_notify: seen at once, where ICE takes 10-20 s to fail.
        if (dtls === 'closed' || dtls === 'failed') return 'gone';
        switch (pc.connectionState) {
          case 'connected':
            return 'connected';
          case 'disconnected':
            return 'disconnected';
          case 'failed':
          case 'closed':
            return 'gone';
          default:
            return 'connecting';
        }
      },
      close(): void {
        if (closed) return;
        closed = true;
        track.stop();
        pc.close();
      },
    };
  } catch (e) {
    track.stop();
    pc.close();
    throw e;
  }
}

function gathered(pc: PeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = (): void => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** Garbage-collection rounds `releaseWrtc` runs at most; each lets the finalizers of the last one run. */
const RELEASE_ROUNDS = 40;
/**
 * Rounds counted from the one that finalized the last tracked object: the wrappers those held
 * (transceivers, transports) go in the next ones. Measured with live-stop.test.ts (two viewers): no
 * collection at all crashed at exit (SIGSEGV/SIGABRT) every time; stopping as soon as the tracked
 * objects were gone exited 0 in 6 stops of 6; 2 collects once more after that. Each round is a full
 * collection (50-300 ms on a loaded 2-core box), and a stop has 5 s in all.
 */
const AFTER_ROUNDS = 2;

/**
 * Releases every native object of wrtc before the process ends: call it once every peer is closed,
 * every track stopped and every reference to a feed dropped (the live view's stop). Collects garbage
 * until all of them are finalized (and a few rounds more for the wrappers they held). Returns how
 * many are still alive (0 unless something still holds one). Nothing to do when wrtc was never loaded.
 */
export async function releaseWrtc(): Promise<number> {
  if (!loading) return 0;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let after = 0;
  for (let round = 0; round < RELEASE_ROUNDS && after < AFTER_ROUNDS; round++) {
    gc();
    // Node runs native finalizers after the collection, off this call stack.
    await new Promise((r) => setTimeout(r, 5));
    if (unreleased === 0) after++;
  }
  return unreleased;
}
