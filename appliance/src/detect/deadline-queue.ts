/**
 * The detector pool's waiting frames, served oldest frame first (earliest deadline first): a frame's
 * key is the time it arrived from its camera, not the time it reached the pool. A live camera keeps
 * one frame in the detector at a time, so its next frame waits in the camera's ring meanwhile and
 * reaches the pool already old; served in order of arrival at the pool it would go behind fresher
 * frames of every other camera, and the camera that is furthest behind would fall further behind
 * (its ring drops a frame once one is two frame intervals late). Oldest first keeps the largest
 * latency, and so the frames dropped, as small as the work allows; frames of equal age keep the order
 * they were queued in.
 */
export class DeadlineQueue<T> {
  private readonly items: Array<{ since: number; seq: number; value: T }> = [];
  private seq = 0;

  get length(): number {
    return this.items.length;
  }

  /** Queues `value`, which arrived (from its source) at `since` ms. */
  push(value: T, since: number): void {
    const item = { since, seq: this.seq++, value };
    // Binary search for the first item that goes after this one (later arrival; ties stay FIFO).
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid]!.since <= since) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
  }

  /** Takes up to `n` values, oldest first. */
  take(n: number): T[] {
    return this.items.splice(0, n).map((i) => i.value);
  }

  /** Takes everything (oldest first), leaving the queue empty. */
  drain(): T[] {
    return this.take(this.items.length);
  }
}
