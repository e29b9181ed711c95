import { describe, expect, it } from 'vitest';
import { FrameRing } from './frame-ring.js';

const bytes = (n: number, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 255);

describe('FrameRing', () => {
  it('assembles frames from chunks that straddle frame boundaries, without losing a byte', () => {
    const ring = new FrameRing(10, 3, 'backpressure');
    const stream = bytes(30);
    let done = 0;
    for (const [a, b] of [[0, 4], [4, 17], [17, 30]] as const) done += ring.write(stream.subarray(a, b), 1).completed;
    expect(done).toBe(3);
    for (let k = 0; k < 3; k++) {
      const f = ring.take()!;
      expect(f.seq).toBe(k);
      expect(Array.from(f.data)).toEqual(Array.from(bytes(10, k * 10)));
      ring.release(f);
    }
    expect(ring.take()).toBeUndefined();
  });

  it('drop-oldest: a slow consumer always gets the newest frame and drops are counted', () => {
    const ring = new FrameRing(4, 3, 'drop-oldest');
    const first = (ring.write(bytes(4, 0), 1), ring.take()!); // being processed
    for (let k = 1; k <= 5; k++) expect(ring.write(bytes(4, k * 4), 1 + k).blocked).toBe(false);
    // frames 1..5 arrived while frame 0 was processed; only the newest survives.
    ring.release(first);
    const f = ring.take()!;
    expect(f.seq).toBe(5);
    expect(f.data[0]).toBe(20);
    expect(ring.dropped).toBe(4);
    expect(ring.written).toBe(6);
  });

  it('backpressure: blocks instead of dropping and keeps the overflow for after a release', () => {
    const ring = new FrameRing(4, 3, 'backpressure');
    const r = ring.write(bytes(14), 1); // 3 full frames + 2 bytes, no slot left for the rest
    expect(r).toEqual({ completed: 3, blocked: true });
    expect(ring.pending?.length).toBe(2);
    const f0 = ring.take()!;
    expect(f0.seq).toBe(0);
    ring.release(f0);
    const pending = ring.takePending()!;
    expect(ring.write(pending, 2)).toEqual({ completed: 0, blocked: false });
    expect(ring.write(bytes(2, 14), 3).completed).toBe(1);
    expect(ring.dropped).toBe(0);
    expect([ring.take()!.seq]).toEqual([1]);
  });

  it('allocates its slots once, in shared memory a worker can read', () => {
    const ring = new FrameRing(8, 4);
    expect(ring.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(ring.buffer.byteLength).toBe(32);
    ring.write(bytes(8), 1);
    expect(ring.take()!.data.buffer).toBe(ring.buffer);
  });

  it('takes bytes read straight into the slot being written, frame by frame, and refuses a commit past the slot', () => {
    const ring = new FrameRing(10, 3, 'backpressure');
    const stream = bytes(30);
    let pos = 0;
    let done = 0;
    for (const n of [4, 6, 7, 3, 10]) {
      const target = ring.writeTarget()!;
      expect(target.buffer).toBe(ring.buffer); // a view of the ring's own memory: nothing copied
      target.set(stream.subarray(pos, pos + n));
      pos += n;
      const r = ring.commit(n, pos);
      done += r.completed;
      if (done === 3) expect(r.blocked).toBe(true);
    }
    expect(done).toBe(3);
    expect(ring.writeTarget()).toBeUndefined(); // all three slots ready: the reader must pause
    const f = ring.take()!;
    expect(Array.from(f.data)).toEqual(Array.from(bytes(10, 0)));
    ring.release(f);
    expect(ring.writeTarget()!.length).toBe(10);
    expect(() => ring.commit(11, 0)).toThrow(/does not fit/);
  });
});
