/**
 * A fixed ring of frame slots allocated once per camera in one SharedArrayBuffer (so a worker thread
 * can read them without copying). The decoder's socket is read straight into the slot being written
 * (`writeTarget()` then `commit()`); `write()` copies a chunk in for the rare bytes that arrive
 * while no slot is free. A frame never goes through Buffer.concat or a per-frame allocation.
 *
 * Two policies for a consumer that falls behind:
 * - 'drop-oldest' (live cameras): the writer always has a slot; an unconsumed older frame is dropped
 *   and counted, and `take()` hands out the newest frame, so latency stays bounded.
 * - 'backpressure' (analysis of a file): no frame is ever dropped; `write()` reports when the ring is
 *   full so the caller pauses its input until `release()` frees a slot.
 */
export type RingPolicy = 'drop-oldest' | 'backpressure';

const FREE = 0;
const WRITING = 1;
const READY = 2;
const READING = 3;

export interface FrameRef {
  slot: number;
  /** 0-based sequence number of the frame within this ring's life. */
  seq: number;
  /** Time the last byte arrived (clock ms). */
  receivedAt: number;
  data: Uint8Array;
}

export class FrameRing {
  readonly buffer: SharedArrayBuffer;
  private readonly slots: Uint8Array[];
  private readonly state: Uint8Array;
  private readonly seqs: Float64Array;
  private readonly times: Float64Array;
  private writeSlot = 0;
  private writeOffset = 0;
  private nextSeq = 0;
  /** Frames dropped because a newer one arrived before they were consumed. */
  dropped = 0;
  /** Frames completed by the writer. */
  written = 0;

  constructor(
    readonly frameBytes: number,
    readonly slotCount = 3,
    readonly policy: RingPolicy = 'drop-oldest',
    /** Told about every dropped frame (for a metrics counter). */
    private readonly onDrop: () => void = () => {},
  ) {
    if (slotCount < 3) throw new Error('a frame ring needs at least 3 slots');
    this.buffer = new SharedArrayBuffer(frameBytes * slotCount);
    this.slots = Array.from({ length: slotCount }, (_, i) => new Uint8Array(this.buffer, i * frameBytes, frameBytes));
    this.state = new Uint8Array(slotCount);
    this.seqs = new Float64Array(slotCount);
    this.times = new Float64Array(slotCount);
    this.state[0] = WRITING;
  }

  /** Carries the counters and the frame numbering of a ring this one replaces (a new frame size). */
  continueFrom(old: FrameRing): void {
    this.written = old.written;
    this.dropped = old.dropped;
    this.nextSeq = old.nextSeq;
  }

  /**
   * Copies a pipe chunk into the ring. Returns how many frames it completed and whether the writer is
   * blocked (backpressure policy with no free slot: pause the input until a release()).
   */
  write(chunk: Uint8Array, now: number): { completed: number; blocked: boolean } {
    let completed = 0;
    let pos = 0;
    while (pos < chunk.length) {
      if (!this.canWrite()) {
        // Only reachable in backpressure mode: keep the rest for when a slot frees up.
        this.pendingBytes = chunk.subarray(pos);
        return { completed, blocked: true };
      }
      const n = Math.min(chunk.length - pos, this.frameBytes - this.writeOffset);
      this.slots[this.writeSlot]!.set(chunk.subarray(pos, pos + n), this.writeOffset);
      this.writeOffset += n;
      pos += n;
      if (this.writeOffset === this.frameBytes) {
        this.complete(now);
        completed++;
      }
    }
    return { completed, blocked: !this.canWrite() };
  }

  /**
   * The rest of the slot being written, for reading bytes into directly (then `commit()` them), or
   * undefined when no slot is free (backpressure policy only).
   */
  writeTarget(): Uint8Array | undefined {
    if (!this.canWrite()) return undefined;
    return this.slots[this.writeSlot]!.subarray(this.writeOffset);
  }

  /** Records `n` bytes read into the last `writeTarget()`; same result as `write()`. */
  commit(n: number, now: number): { completed: number; blocked: boolean } {
    if (n < 0 || this.writeOffset + n > this.frameBytes || this.state[this.writeSlot] !== WRITING) {
      throw new Error(`commit of ${n} bytes does not fit the slot being written`);
    }
    this.writeOffset += n;
    let completed = 0;
    if (this.writeOffset === this.frameBytes) {
      this.complete(now);
      completed = 1;
    }
    return { completed, blocked: !this.canWrite() };
  }

  /** Whether a write slot is held or can be taken (always true for drop-oldest). */
  canWrite(): boolean {
    return this.state[this.writeSlot] === WRITING || this.acquireWriteSlot();
  }

  /** Bytes that arrived while blocked; the caller writes them again after a release(). */
  private pendingBytes: Uint8Array | undefined;

  /** The bytes that arrived while blocked and wait to be written (read-only look; see takePending). */
  get pending(): Uint8Array | undefined {
    return this.pendingBytes;
  }

  /** Hands over (and forgets) the bytes that arrived while blocked, to be written again after a release(). */
  takePending(): Uint8Array | undefined {
    const p = this.pendingBytes;
    this.pendingBytes = undefined;
    return p;
  }

  /** The frame to process next (newest for drop-oldest, oldest for backpressure), or undefined. */
  take(): FrameRef | undefined {
    let pick = -1;
    for (let i = 0; i < this.slotCount; i++) {
      if (this.state[i] !== READY) continue;
      if (pick < 0) pick = i;
      else if (this.policy === 'drop-oldest' ? this.seqs[i]! > this.seqs[pick]! : this.seqs[i]! < this.seqs[pick]!) pick = i;
    }
    if (pick < 0) return undefined;
    if (this.policy === 'drop-oldest') {
      for (let i = 0; i < this.slotCount; i++) {
        if (i !== pick && this.state[i] === READY) {
          this.state[i] = FREE;
          this.dropped++;
          this.onDrop();
        }
      }
    }
    this.state[pick] = READING;
    return { slot: pick, seq: this.seqs[pick]!, receivedAt: this.times[pick]!, data: this.slots[pick]! };
  }

  release(frame: FrameRef): void {
    if (this.state[frame.slot] === READING) this.state[frame.slot] = FREE;
  }

  /** Frames completed and waiting to be taken. */
  get waiting(): number {
    let n = 0;
    for (let i = 0; i < this.slotCount; i++) if (this.state[i] === READY) n++;
    return n;
  }

  /** Forget a partly written frame (the stream restarted mid-frame). */
  resetPartial(): void {
    this.writeOffset = 0;
    this.pendingBytes = undefined;
  }

  private complete(now: number): void {
    const s = this.writeSlot;
    this.state[s] = READY;
    this.seqs[s] = this.nextSeq++;
    this.times[s] = now;
    this.written++;
    this.writeOffset = 0;
    this.acquireWriteSlot();
  }

  private acquireWriteSlot(): boolean {
    for (let k = 1; k <= this.slotCount; k++) {
      const i = (this.writeSlot + k) % this.slotCount;
      if (this.state[i] === FREE) return this.claim(i);
    }
    if (this.policy === 'backpressure') return false;
    // Drop the oldest ready frame: its slot becomes the write slot.
    let oldest = -1;
    for (let i = 0; i < this.slotCount; i++) {
      if (this.state[i] === READY && (oldest < 0 || this.seqs[i]! < this.seqs[oldest]!)) oldest = i;
    }
    if (oldest < 0) return false; // unreachable with ≥3 slots and one reader
    this.dropped++;
    this.onDrop();
    return this.claim(oldest);
  }

  private claim(i: number): boolean {
    this.state[i] = WRITING;
    this.writeSlot = i;
    this.writeOffset = 0;
    return true;
  }
}
