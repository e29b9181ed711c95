/**
 * The offset between a WebRTC peer's RTP timestamps and the daemon's frame stamps (`rtp` of a tracks
 * message). The daemon names each frame it sends by the moment it handed it to the encoder, 90 kHz
 * (appliance/src/live-video/wrtc.ts); the RTP timestamp the browser sees for that frame
 * (requestVideoFrameCallback's metadata.rtpTimestamp) is that stamp plus a constant the sender chose at
 * random. Once the constant is known, a frame on screen names its tracks exactly, whatever the delays.
 *
 * It is learnt from the pattern of the last frames shown: the gaps between frames (analysis times vary
 * by milliseconds) repeat only under the right offset, so the offset under which most recent frames
 * have a message is the one; where frames come so evenly that shifted offsets fit as well, the one
 * pairing frames with the messages that arrived closest to them wins, which is right while messages
 * arrive within half a frame interval of their frames (a limit: evenly spaced frames on a page busy
 * when the offset is learnt can be paired one frame off). A locked offset that stops fitting (most
 * frames without a message although messages around them arrived) is learnt again.
 */

/** 90 kHz ticks in a millisecond. */
const TICKS_PER_MS = 90;
/** A frame and a message are the same frame when their stamps differ by at most this (the encoder reads its clock within this of the daemon's stamp). */
export const MATCH_TICKS = 6 * TICKS_PER_MS;
/**
 * While learning, a frame fits an offset only within this (measured: the RTP timestamp is the daemon's
 * stamp plus the offset within ±1 ms, the encoder's clock being read in whole ms): the tighter, the
 * less a shifted offset fits frames that came almost evenly.
 */
const LEARN_TICKS = 2 * TICKS_PER_MS;
/** Frames remembered for learning; at least this many must fit the offset chosen. */
const FRAMES = 16;
const MIN_FIT = 6;
/** Messages remembered for learning. */
const MESSAGES = 96;
/** A frame and a message that arrived further apart than this are not paired to propose an offset. */
const PROPOSE_WITHIN_MS = 1500;
/** Frames that propose offsets (the latest ones). */
const PROPOSERS = 4;
/** Of the last `FRAMES` frames with messages around them, this many without their own message unlock the offset. */
const MAX_MISSES = 8;

/** Signed difference a - b of two 32-bit wrapping stamps. */
export function stampDiff(a: number, b: number): number {
  return (a - b) | 0;
}

interface Shown {
  rtp: number;
  receivedAt: number;
}
interface Heard {
  stamp: number;
  at: number;
}

export class RtpLock {
  private offset: number | undefined;
  private frames: Shown[] = [];
  private heard: Heard[] = [];
  /** 1 for each recent locked frame without its message (0 with it). */
  private misses: number[] = [];

  get locked(): boolean {
    return this.offset !== undefined;
  }

  /** A message's stamp arrived (at: performance.now()). */
  message(stamp: number, at: number): void {
    this.heard.push({ stamp, at });
    if (this.heard.length > MESSAGES) this.heard.shift();
  }

  /** A frame was shown: the daemon stamp it carries, or undefined while the offset is not known. */
  frame(rtp: number, receivedAt: number): number | undefined {
    this.frames.push({ rtp, receivedAt });
    if (this.frames.length > FRAMES) this.frames.shift();
    if (this.offset === undefined) this.offset = this.learn();
    return this.offset === undefined ? undefined : (rtp - this.offset) >>> 0;
  }

  /** Whether the frame stamped `stamp` had its message (false only when messages after it arrived without it). */
  matched(found: boolean): void {
    this.misses.push(found ? 0 : 1);
    if (this.misses.length > FRAMES) this.misses.shift();
    if (this.misses.reduce((a, b) => a + b, 0) >= MAX_MISSES) this.reset();
  }

  reset(): void {
    this.offset = undefined;
    this.misses = [];
  }

  private learn(): number | undefined {
    if (this.frames.length < MIN_FIT) return undefined;
    const offsets: number[] = [];
    for (const f of this.frames.slice(-PROPOSERS)) {
      for (const h of this.heard) if (Math.abs(h.at - f.receivedAt) <= PROPOSE_WITHIN_MS) offsets.push((f.rtp - h.stamp) >>> 0);
    }
    let best: { offset: number; fit: number; cost: number } | undefined;
    for (const offset of offsets) {
      let fit = 0;
      let cost = 0;
      for (const f of this.frames) {
        const h = this.nearest((f.rtp - offset) >>> 0, LEARN_TICKS);
        if (!h) continue;
        fit++;
        cost += Math.abs(f.receivedAt - h.at);
      }
      if (!best || fit > best.fit || (fit === best.fit && cost < best.cost)) best = { offset, fit, cost };
    }
    return best && best.fit >= Math.max(MIN_FIT, Math.ceil(0.75 * this.frames.length)) ? best.offset : undefined;
  }

  private nearest(stamp: number, within: number): Heard | undefined {
    let best: Heard | undefined;
    for (const h of this.heard) {
      const d = Math.abs(stampDiff(h.stamp, stamp));
      if (d <= within && (!best || d < Math.abs(stampDiff(best.stamp, stamp)))) best = h;
    }
    return best;
  }
}
