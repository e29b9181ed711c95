import type { TracksData } from '../api/types';
import { MATCH_TICKS, RtpLock, stampDiff } from './rtp-lock';

/** Messages kept waiting for their frame (about 4 s at 25 fps); older ones are dropped. */
const MAX_WAITING = 100;
/**
 * Without frame identity (a browser without metadata.rtpTimestamp, or a daemon that sends no `rtp`):
 * a frame's tracks leave the daemon just before the frame itself, so they arrive first; this much
 * later still counts as the same frame (a frame interval is 33 ms or more).
 */
const SLACK_MS = 10;

/** A WebRTC frame on screen, as requestVideoFrameCallback describes it. */
export interface ShownFrame {
  /** When it arrived (metadata.receiveTime, performance.now() clock). */
  receivedAt: number;
  /** Its RTP timestamp (metadata.rtpTimestamp), when the browser tells. */
  rtp?: number | undefined;
}

interface Waiting {
  at: number;
  data: TracksData;
}

/**
 * The `tracks` messages of a WebRTC picture, each held until the frame it belongs to is on screen.
 * Each message names its frame by the frame's time in the video's clock (`rtp`), and each frame shown
 * carries its RTP timestamp: once the peer's offset between the two is known (RtpLock), the frame on
 * screen gets exactly its own message, however long the jitter buffer or a busy machine held either.
 * A frame shown before its message arrived waits for it (`push` returns it for drawing then); a frame
 * whose message never came keeps the boxes drawn. Until the offset is known (the first frames), and in
 * a browser that does not tell RTP timestamps, the frame received at time T gets the latest message
 * that arrived by T (right unless the page or the machine is busy).
 */
export class TrackBuffer {
  private waiting: Waiting[] = [];
  private readonly lock = new RtpLock();
  /** The stamp of the frame on screen whose message has not arrived yet. */
  private pending: number | undefined;

  /** A message arrived: held for its frame; returned when it belongs to the frame on screen now (draw it). */
  push(data: TracksData, at: number = performance.now()): TracksData | undefined {
    if (data.rtp !== undefined) this.lock.message(data.rtp, at);
    if (this.pending !== undefined && data.rtp !== undefined) {
      const d = stampDiff(data.rtp, this.pending);
      if (Math.abs(d) <= MATCH_TICKS) {
        this.pending = undefined;
        this.lock.matched(true);
        return data;
      }
      if (d > MATCH_TICKS) {
        // A later frame's message: the one on screen lost its own.
        this.pending = undefined;
        this.lock.matched(false);
      }
    }
    this.waiting.push({ at, data });
    if (this.waiting.length > MAX_WAITING) this.waiting.shift();
    return undefined;
  }

  /** The tracks of the frame now on screen (undefined: none known yet, keep what is drawn). */
  take(frame: ShownFrame): TracksData | undefined {
    // A frame replaced before its message came says nothing about the offset (the message was late).
    this.pending = undefined;
    const stamp = frame.rtp === undefined ? undefined : this.lock.frame(frame.rtp, frame.receivedAt);
    if (stamp === undefined) return this.byTime(frame.receivedAt);
    let best = -1;
    for (let i = 0; i < this.waiting.length; i++) {
      const r = this.waiting[i]!.data.rtp;
      if (r === undefined) continue;
      const d = Math.abs(stampDiff(r, stamp));
      if (d <= MATCH_TICKS && (best < 0 || d < Math.abs(stampDiff(this.waiting[best]!.data.rtp!, stamp)))) best = i;
    }
    if (best >= 0) {
      const { data } = this.waiting[best]!;
      this.waiting = this.waiting.slice(best + 1);
      this.lock.matched(true);
      return data;
    }
    // Not here: older messages are done with; if none is later, it is on its way.
    this.waiting = this.waiting.filter((w) => w.data.rtp === undefined || stampDiff(w.data.rtp, stamp) > 0);
    if (this.waiting.length === 0) this.pending = stamp;
    else this.lock.matched(false);
    return undefined;
  }

  clear(): void {
    this.waiting = [];
    this.pending = undefined;
    this.lock.reset();
  }

  private byTime(receivedAt: number): TracksData | undefined {
    let i = -1;
    while (i + 1 < this.waiting.length && this.waiting[i + 1]!.at <= receivedAt + SLACK_MS) i++;
    if (i < 0) return undefined;
    const { data } = this.waiting[i]!;
    this.waiting = this.waiting.slice(i + 1);
    return data;
  }
}
