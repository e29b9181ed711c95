/**
 * Cuts a byte stream of fixed-size raw frames into frames. One frame buffer is allocated up front and
 * reused; a chunk that holds a whole frame at a frame boundary is handed on without a copy. The frame
 * passed to `onFrame` is only valid during the call.
 */
export class FrameSplitter {
  private readonly frame: Uint8Array;
  private filled = 0;
  frames = 0;

  constructor(
    readonly frameBytes: number,
    private readonly onFrame: (frame: Uint8Array) => void,
  ) {
    this.frame = new Uint8Array(frameBytes);
  }

  write(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.filled === 0 && chunk.length - off >= this.frameBytes) {
        this.emit(chunk.subarray(off, off + this.frameBytes));
        off += this.frameBytes;
        continue;
      }
      const n = Math.min(this.frameBytes - this.filled, chunk.length - off);
      this.frame.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.frameBytes) {
        this.filled = 0;
        this.emit(this.frame);
      }
    }
  }

  /** Drops a partial frame (the producer restarted). */
  reset(): void {
    this.filled = 0;
  }

  private emit(frame: Uint8Array): void {
    this.frames++;
    this.onFrame(frame);
  }
}
