/** MPEG-TS packets are 188 bytes, each starting with the sync byte 0x47. */
export const TS_PACKET_BYTES = 188;
export const TS_SYNC_BYTE = 0x47;

/**
 * Re-cuts a byte stream of MPEG-TS into runs of whole packets, so every message sent starts on a
 * packet boundary: a viewer who joins mid-stream is in sync from its first message.
 */
export class TsPacketAligner {
  private rest: Buffer | undefined;

  /** The whole packets available now (undefined if none); a partial packet waits for the next chunk. */
  push(chunk: Buffer): Buffer | undefined {
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const whole = data.length - (data.length % TS_PACKET_BYTES);
    this.rest = whole < data.length ? Buffer.from(data.subarray(whole)) : undefined;
    return whole > 0 ? data.subarray(0, whole) : undefined;
  }

  /** Drops a partial packet (the encoder restarted). */
  reset(): void {
    this.rest = undefined;
  }
}
