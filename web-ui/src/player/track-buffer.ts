import type { TracksData } from '../api/types';

/** Messages kept waiting for their frame (about 4 s at 25 fps); older ones are dropped. */
const MAX_WAITING = 100;
/**
 * A frame's tracks leave the daemon just before the frame itself (same tick), so they arrive first;
 * this much later still counts as the same frame (a frame interval is 33 ms or more).
 */
const SLACK_MS = 10;

/**
 * The `tracks` messages of a WebRTC picture, held until the frame they belong to is on screen. The
 * daemon sends each analysed frame to WebRTC in the tick it publishes that frame's tracks (both carry
 * the frame's `seq`/`pts`), so the frame received at time T belongs to the latest message that
 * arrived by T; the player asks for it when the frame is shown (requestVideoFrameCallback), however
 * long the jitter buffer held the frame. A page whose main thread is too busy to handle a message
 * before its frame arrives shows the previous frame's boxes for that frame (see docs/ARCHITECTURE.md).
 */
export class TrackBuffer {
  private waiting: Array<{ at: number; data: TracksData }> = [];

  push(data: TracksData, at: number = performance.now()): void {
    this.waiting.push({ at, data });
    if (this.waiting.length > MAX_WAITING) this.waiting.shift();
  }

  /** The tracks of the frame received at `receivedAt` (undefined: none new, keep what is drawn). */
  take(receivedAt: number): TracksData | undefined {
    let i = -1;
    while (i + 1 < this.waiting.length && this.waiting[i + 1]!.at <= receivedAt + SLACK_MS) i++;
    if (i < 0) return undefined;
    const { data } = this.waiting[i]!;
    this.waiting = this.waiting.slice(i + 1);
    return data;
  }

  clear(): void {
    this.waiting = [];
  }
}
