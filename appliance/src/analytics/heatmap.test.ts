import { describe, expect, it } from 'vitest';
import { benchHeatmap, heatmapScene } from '../../bench/heatmap-bench.js';
import {
  addGrids,
  decodeGrid,
  encodeGrid,
  HeatmapAccumulator,
  maxOf,
  resample,
  type HeatmapGrid,
  type HeatmapKind,
} from './heatmap.js';

/** An hour-aligned unix time. */
const H = Math.floor(1_700_000_000 / 3600) * 3600;

type Drained = ReturnType<HeatmapAccumulator['drain']>;

function find(out: Drained, kind: HeatmapKind, bucket = H, camera = 'cam', className = 'person'): HeatmapGrid | undefined {
  return out.find((e) => e.key.kind === kind && e.key.bucket === bucket && e.key.camera === camera && e.key.className === className)?.grid;
}

function sum(g: HeatmapGrid): number {
  let s = 0;
  for (const v of g.values) s += v;
  return s;
}

/** [cx, cy] of every non-zero cell, row-major order. */
function nonZero(g: HeatmapGrid): Array<[number, number]> {
  const cells: Array<[number, number]> = [];
  g.values.forEach((v, i) => {
    if (v !== 0) cells.push([i % g.width, Math.floor(i / g.width)]);
  });
  return cells;
}

/** Normalised centre of cell (cx, cy) of a w×h grid. */
const centre = (cx: number, cy: number, w: number, h: number): [number, number] => [(cx + 0.5) / w, (cy + 0.5) / h];

describe('HeatmapAccumulator presence', () => {
  it('adds the time since the previous update to the foot point cell (first update adds nothing)', () => {
    const acc = new HeatmapAccumulator();
    for (let k = 0; k < 10; k++) acc.add('cam', 'person', 7, 0.5, 0.5, H + 60 + k * 0.1);
    const out = acc.drain();
    const p = find(out, 'presence')!;
    expect(p.width).toBe(64);
    expect(p.height).toBe(48);
    expect(p.values.length).toBe(64 * 48);
    expect(nonZero(p)).toEqual([[32, 24]]);
    expect(p.values[24 * 64 + 32]).toBeCloseTo(0.9, 5);
    expect(sum(p)).toBeCloseTo(0.9, 5);
  });

  it('caps one step at 1 s so an occlusion gap does not dump seconds into one cell', () => {
    const acc = new HeatmapAccumulator({ width: 10, height: 10 });
    acc.add('cam', 'person', 1, 0.05, 0.05, H + 10);
    acc.add('cam', 'person', 1, 0.95, 0.95, H + 40); // 30 s later, far away
    acc.add('cam', 'person', 1, 0.95, 0.95, H + 40.5);
    const p = find(acc.drain(), 'presence')!;
    expect(nonZero(p)).toEqual([[9, 9]]);
    expect(p.values[99]).toBeCloseTo(1.5, 5);
  });

  it('takes the cap from the options', () => {
    const acc = new HeatmapAccumulator({ width: 4, height: 4, maxStepSeconds: 0.25 });
    acc.add('cam', 'person', 1, 0.1, 0.1, H);
    acc.add('cam', 'person', 1, 0.1, 0.1, H + 2);
    expect(find(acc.drain(), 'presence')!.values[0]).toBe(0.25);
  });

  it('keeps tracks, cameras and classes apart', () => {
    const acc = new HeatmapAccumulator({ width: 4, height: 4 });
    for (let k = 0; k < 3; k++) {
      const t = H + k * 0.5;
      acc.add('cam', 'person', 1, 0.1, 0.1, t);
      acc.add('cam', 'person', 2, 0.9, 0.9, t);
      acc.add('cam', 'car', 3, 0.1, 0.9, t);
      acc.add('other', 'person', 1, 0.9, 0.1, t); // same id as on 'cam': another track
    }
    const out = acc.drain();
    const p = find(out, 'presence')!;
    expect(nonZero(p)).toEqual([[0, 0], [3, 3]]);
    expect(p.values[0]).toBeCloseTo(1, 5);
    expect(p.values[15]).toBeCloseTo(1, 5);
    const car = find(out, 'presence', H, 'cam', 'car')!;
    expect(nonZero(car)).toEqual([[0, 3]]);
    expect(car.values[12]).toBeCloseTo(1, 5);
    const other = find(out, 'presence', H, 'other')!;
    expect(nonZero(other)).toEqual([[3, 0]]);
    expect(other.values[3]).toBeCloseTo(1, 5);
    expect(out.map((e) => `${e.key.camera}/${e.key.className}/${e.key.kind}/${e.key.bucket}`).sort()).toEqual([
      `cam/car/presence/${H}`,
      `cam/car/traffic/${H}`,
      `cam/person/presence/${H}`,
      `cam/person/traffic/${H}`,
      `other/person/presence/${H}`,
      `other/person/traffic/${H}`,
    ]);
  });

  it('restarts a reclassified track in its new class', () => {
    const acc = new HeatmapAccumulator({ width: 4, height: 4 });
    for (let k = 0; k < 3; k++) acc.add('cam', 'person', 5, 0.1, 0.1, H + k * 0.5);
    for (let k = 3; k < 6; k++) acc.add('cam', 'car', 5, 0.9, 0.9, H + k * 0.5);
    const out = acc.drain();
    expect(find(out, 'presence')!.values[0]).toBeCloseTo(1, 5);
    const car = find(out, 'presence', H, 'cam', 'car')!;
    expect(nonZero(car)).toEqual([[3, 3]]);
    expect(car.values[15]).toBeCloseTo(1, 5); // the step across the change is not counted
    expect(nonZero(find(out, 'traffic', H, 'cam', 'car')!)).toEqual([[3, 3]]); // no line from the person's cell
  });

  it('clamps points outside the frame to the border cells and ignores non-finite updates', () => {
    const acc = new HeatmapAccumulator({ width: 4, height: 3 });
    acc.add('cam', 'person', 1, -0.2, 1.3, H);
    acc.add('cam', 'person', 1, 1, 1, H + 0.5); // x = 1 exactly is the last column
    acc.add('cam', 'person', 1, Number.NaN, 0.5, H + 0.7);
    acc.add('cam', 'person', 1, 0.5, 0.5, Number.POSITIVE_INFINITY);
    const out = acc.drain();
    expect(nonZero(find(out, 'traffic')!)).toEqual([[0, 2], [1, 2], [2, 2], [3, 2]]);
    const p = find(out, 'presence')!;
    expect(nonZero(p)).toEqual([[3, 2]]);
    expect(p.values[11]).toBeCloseTo(0.5, 5);
  });
});

describe('HeatmapAccumulator traffic', () => {
  it('counts a track once per cell per bucket, across several drains', () => {
    const acc = new HeatmapAccumulator({ width: 8, height: 8 });
    const [x, y] = centre(3, 5, 8, 8);
    const stored: HeatmapGrid = { width: 8, height: 8, values: new Float32Array(64) };
    let t = H + 100;
    for (let drain = 0; drain < 4; drain++) {
      for (let k = 0; k < 25; k++, t += 0.04) acc.add('cam', 'person', 9, x, y, t);
      const out = acc.drain();
      const traffic = find(out, 'traffic');
      if (drain === 0) expect(nonZero(traffic!)).toEqual([[3, 5]]);
      else expect(traffic).toBeUndefined(); // nothing new to count: no delta
      expect(find(out, 'presence')).toBeDefined();
      if (traffic) addGrids(stored, traffic);
    }
    expect(stored.values[5 * 8 + 3]).toBe(1);
    expect(sum(stored)).toBe(1);
  });

  it('counts two tracks in one cell as two, and a track leaving and coming back as one', () => {
    const acc = new HeatmapAccumulator({ width: 8, height: 1 });
    acc.add('cam', 'person', 1, 0.01, 0.5, H);
    acc.add('cam', 'person', 2, 0.01, 0.5, H);
    acc.add('cam', 'person', 1, 0.3, 0.5, H + 0.1); // cells 1, 2 on the way
    acc.add('cam', 'person', 1, 0.01, 0.5, H + 0.2); // back over 1 to 0
    const g = find(acc.drain(), 'traffic')!;
    expect(Array.from(g.values)).toEqual([2, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('counts a track again in a new hour bucket, and releases the old sets', () => {
    const acc = new HeatmapAccumulator({ width: 8, height: 8 });
    const [x, y] = centre(2, 2, 8, 8);
    acc.add('cam', 'person', 4, x, y, H + 3599.8);
    acc.add('cam', 'person', 4, x, y, H + 3599.9);
    let out = acc.drain();
    expect(find(out, 'traffic', H)!.values[18]).toBe(1);
    acc.add('cam', 'person', 4, x, y, H + 3600.0);
    acc.add('cam', 'person', 4, x, y, H + 3600.2);
    out = acc.drain();
    expect(find(out, 'traffic', H)).toBeUndefined();
    expect(find(out, 'traffic', H + 3600)!.values[18]).toBe(1);
    expect(sum(find(out, 'traffic', H + 3600)!)).toBe(1);
    // The presence step that crosses the boundary belongs to the bucket of the later update.
    expect(find(out, 'presence', H + 3600)!.values[18]).toBeCloseTo(0.3, 5);
    expect(out.every((e) => e.key.bucket === H + 3600)).toBe(true);
  });

  it('splits one drain across two buckets when an hour ends between drains', () => {
    const acc = new HeatmapAccumulator({ width: 8, height: 8 });
    const [x, y] = centre(6, 1, 8, 8);
    acc.add('cam', 'person', 4, x, y, H + 3599.5);
    acc.add('cam', 'person', 4, x, y, H + 3600.5);
    const out = acc.drain();
    expect(find(out, 'traffic', H)!.values[14]).toBe(1);
    expect(find(out, 'traffic', H + 3600)!.values[14]).toBe(1);
    expect(find(out, 'presence', H)).toBeUndefined(); // the first update adds no time
    expect(find(out, 'presence', H + 3600)!.values[14]).toBeCloseTo(1, 5);
  });

  it('fills the Bresenham cells between a fast walker’s previous and current cell', () => {
    const acc = new HeatmapAccumulator({ width: 10, height: 10 });
    // Pure diagonal: (0,0) → (5,5) in one step.
    acc.add('cam', 'person', 1, ...centre(0, 0, 10, 10), H);
    acc.add('cam', 'person', 1, ...centre(5, 5, 10, 10), H + 0.04);
    let g = find(acc.drain(), 'traffic')!;
    expect(nonZero(g)).toEqual([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]);
    expect(sum(g)).toBe(6);

    // Slanted: (1,1) → (7,4): dx = 6, dy = 3, seven cells, one per column.
    acc.add('cam', 'person', 2, ...centre(1, 1, 10, 10), H + 1);
    acc.add('cam', 'person', 2, ...centre(7, 4, 10, 10), H + 1.04);
    g = find(acc.drain(), 'traffic')!;
    expect(nonZero(g)).toEqual([[1, 1], [2, 2], [3, 2], [4, 3], [5, 3], [6, 4], [7, 4]]);

    // Back again: the walk is the same segment, already counted for track 2.
    acc.add('cam', 'person', 2, ...centre(1, 1, 10, 10), H + 1.08);
    expect(find(acc.drain(), 'traffic')).toBeUndefined();

    // Steep, upwards and leftwards: (8,9) → (6,2).
    acc.add('cam', 'person', 3, ...centre(8, 9, 10, 10), H + 2);
    acc.add('cam', 'person', 3, ...centre(6, 2, 10, 10), H + 2.04);
    g = find(acc.drain(), 'traffic')!;
    const cells = nonZero(g);
    expect(cells.length).toBe(8); // one per row 2..9
    expect(new Set(cells.map(([, cy]) => cy)).size).toBe(8);
    expect(cells).toContainEqual([8, 9]);
    expect(cells).toContainEqual([6, 2]);
  });
});

describe('HeatmapAccumulator drain and memory', () => {
  it('returns deltas: a second drain with no new updates is empty', () => {
    const acc = new HeatmapAccumulator({ width: 4, height: 4 });
    acc.add('cam', 'person', 1, 0.1, 0.1, H);
    acc.add('cam', 'person', 1, 0.1, 0.1, H + 0.5);
    const first = acc.drain();
    expect(first.length).toBe(2);
    expect(acc.drain()).toEqual([]);
    acc.add('cam', 'person', 1, 0.1, 0.1, H + 0.75);
    const third = acc.drain();
    expect(third.length).toBe(1); // presence only: the cell was already counted for traffic
    expect(find(third, 'presence')!.values[0]).toBeCloseTo(0.25, 5);
  });

  it('does not report a grid for a lone first update’s zero presence', () => {
    const acc = new HeatmapAccumulator({ width: 4, height: 4 });
    acc.add('cam', 'person', 1, 0.1, 0.1, H);
    const out = acc.drain();
    expect(out.map((e) => e.key.kind)).toEqual(['traffic']);
  });

  it('forgets a track on endTrack: its next update starts afresh', () => {
    const acc = new HeatmapAccumulator({ width: 4, height: 4 });
    acc.add('cam', 'person', 1, 0.1, 0.1, H);
    acc.add('cam', 'person', 2, 0.9, 0.9, H);
    expect(acc.stats()).toMatchObject({ cameras: 1, tracks: 2, countedSets: 2 });
    acc.endTrack('cam', 1);
    acc.endTrack('nope', 1);
    expect(acc.stats()).toMatchObject({ tracks: 1, countedSets: 1 });
    acc.add('cam', 'person', 1, 0.9, 0.1, H + 0.5);
    const out = acc.drain();
    expect(find(out, 'presence')).toBeUndefined(); // no previous point: no time, no line
    expect(nonZero(find(out, 'traffic')!)).toEqual([[0, 0], [3, 0], [3, 3]]);
    acc.endCamera('cam');
    expect(acc.stats()).toMatchObject({ tracks: 0, countedSets: 0 });
  });

  it('releases traffic sets of past buckets on drain and forgets stale tracks', () => {
    const acc = new HeatmapAccumulator({ width: 4, height: 4, staleTrackSeconds: 300 });
    acc.add('cam', 'person', 1, 0.1, 0.1, H + 3500); // idle from here on
    acc.add('cam', 'person', 2, 0.5, 0.5, H + 3500);
    acc.drain();
    expect(acc.stats()).toMatchObject({ tracks: 2, countedSets: 2, pendingDeltas: 0 });
    acc.add('cam', 'person', 2, 0.5, 0.5, H + 3700); // next bucket
    expect(acc.stats().pendingDeltas).toBe(1);
    acc.drain();
    // Track 1's set was for the old bucket: released; track 2 holds one for the current bucket.
    expect(acc.stats()).toMatchObject({ tracks: 2, countedSets: 1, pendingDeltas: 0 });
    acc.add('cam', 'person', 2, 0.5, 0.5, H + 3900);
    acc.drain();
    // Track 1 last seen 400 s before the camera's newest update: forgotten.
    expect(acc.stats()).toMatchObject({ tracks: 1, countedSets: 1 });
  });

  it('stays bounded over many short tracks that are ended', () => {
    const acc = new HeatmapAccumulator();
    for (let id = 0; id < 5000; id++) {
      const t = H + id * 0.2;
      acc.add('cam', 'person', id, (id % 64) / 64, 0.5, t);
      acc.add('cam', 'person', id, ((id + 3) % 64) / 64, 0.6, t + 0.1);
      acc.endTrack('cam', id);
      if (id % 500 === 0) acc.drain();
    }
    acc.drain();
    expect(acc.stats()).toEqual({ cameras: 1, tracks: 0, countedSets: 0, pendingDeltas: 0 });
  });

  it('rejects bad options', () => {
    expect(() => new HeatmapAccumulator({ width: 0 })).toThrow(/width/);
    expect(() => new HeatmapAccumulator({ height: 2.5 })).toThrow(/height/);
    expect(() => new HeatmapAccumulator({ bucketSeconds: 0 })).toThrow(/bucketSeconds/);
  });
});

describe('encodeGrid / decodeGrid', () => {
  const grid: HeatmapGrid = { width: 3, height: 2, values: Float32Array.from([0, 1.5, -2, 3.25, 1e6, 0.1]) };

  it('round-trips and has the documented layout', () => {
    const blob = encodeGrid(grid);
    expect(blob.length).toBe(16 + 4 * 6);
    expect(blob.subarray(0, 4).toString('latin1')).toBe('VHMP');
    expect(blob.readUInt16LE(4)).toBe(1);
    expect(blob.readUInt16LE(6)).toBe(0);
    expect(blob.readUInt32LE(8)).toBe(3);
    expect(blob.readUInt32LE(12)).toBe(2);
    expect(blob.readFloatLE(16 + 4 * 3)).toBe(3.25);
    const back = decodeGrid(blob);
    expect(back.width).toBe(3);
    expect(back.height).toBe(2);
    expect(Array.from(back.values)).toEqual(Array.from(grid.values));
  });

  it('decodes from an unaligned view (as a SQLite blob may be)', () => {
    const blob = encodeGrid(grid);
    const padded = new Uint8Array(blob.length + 1);
    padded.set(blob, 1);
    expect(Array.from(decodeGrid(padded.subarray(1)).values)).toEqual(Array.from(grid.values));
  });

  it('throws a clear error on a corrupted blob', () => {
    const blob = encodeGrid(grid);
    const badMagic = Buffer.from(blob);
    badMagic[0] = 0x58;
    expect(() => decodeGrid(badMagic)).toThrow(/bad magic/);
    expect(() => decodeGrid(blob.subarray(0, blob.length - 4))).toThrow(/size mismatch.*3×2 needs 40 bytes, got 36/);
    expect(() => decodeGrid(Buffer.concat([blob, Buffer.alloc(1)]))).toThrow(/size mismatch/);
    expect(() => decodeGrid(blob.subarray(0, 10))).toThrow(/too short/);
    const badVersion = Buffer.from(blob);
    badVersion.writeUInt16LE(9, 4);
    expect(() => decodeGrid(badVersion)).toThrow(/version 9/);
    const hugeSize = Buffer.from(blob);
    hugeSize.writeUInt32LE(0xffffffff, 8);
    expect(() => decodeGrid(hugeSize)).toThrow(/bad size/);
  });

  it('refuses to encode a grid whose values do not match its size', () => {
    expect(() => encodeGrid({ width: 2, height: 2, values: new Float32Array(3) })).toThrow(/values.length/);
  });
});

describe('addGrids, resample, maxOf', () => {
  it('adds cell by cell into the first grid', () => {
    const a: HeatmapGrid = { width: 2, height: 1, values: Float32Array.from([1, 2]) };
    const r = addGrids(a, { width: 2, height: 1, values: Float32Array.from([0.5, 4]) });
    expect(r).toBe(a);
    expect(Array.from(a.values)).toEqual([1.5, 6]);
  });

  it('throws on a size mismatch', () => {
    const a: HeatmapGrid = { width: 2, height: 3, values: new Float32Array(6) };
    const b: HeatmapGrid = { width: 3, height: 2, values: new Float32Array(6) };
    expect(() => addGrids(a, b)).toThrow(/size mismatch 2×3 vs 3×2/);
  });

  it('resamples by area: exact halving and doubling', () => {
    const g: HeatmapGrid = { width: 4, height: 2, values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    expect(Array.from(resample(g, 2, 1).values)).toEqual([14, 22]);
    const up = resample({ width: 1, height: 1, values: Float32Array.from([8]) }, 2, 2);
    expect(Array.from(up.values)).toEqual([2, 2, 2, 2]);
    // 3 → 2 columns: the middle source cell is shared half and half.
    const thirds = resample({ width: 3, height: 1, values: Float32Array.from([3, 6, 9]) }, 2, 1).values;
    expect(thirds[0]).toBeCloseTo(6, 5);
    expect(thirds[1]).toBeCloseTo(12, 5);
  });

  it('preserves the total (presence object-seconds) at any size', () => {
    const acc = new HeatmapAccumulator();
    const s = heatmapScene(20_000, 3);
    for (let i = 0; i < s.n; i++) {
      if (s.end[i] === 1) continue;
      acc.add('cam', 'person', s.id[i]!, s.x[i]!, s.y[i]!, s.t[i]!);
    }
    const grids = acc.drain().filter((e) => e.key.kind === 'presence');
    const p = grids[0]!.grid;
        const total = sum(p);
    expect(total).toBeGreaterThan(700); // ~20 objects × 40 s of scene
    for (const [w, h] of [[20, 15], [7, 5], [128, 96], [100, 33], [1, 1], [64, 48]] as const) {
      const r = resample(p, w, h);
      expect(r.width).toBe(w);
      expect(r.height).toBe(h);
      expect(r.values.length).toBe(w * h);
      expect(sum(r) / total).toBeCloseTo(1, 5);
    }
    expect(resample(p, 64, 48).values).not.toBe(p.values);
  });

  it('finds the maximum', () => {
    expect(maxOf({ width: 3, height: 1, values: Float32Array.from([1, 7, 3]) })).toBe(7);
    expect(maxOf({ width: 2, height: 1, values: Float32Array.from([-1, -3]) })).toBe(-1);
    expect(maxOf({ width: 0, height: 0, values: new Float32Array(0) })).toBe(0);
  });
});

describe('benchHeatmap', () => {
  it('returns a finite rate (smoke test, no timing assertion)', () => {
    const r = benchHeatmap(20_000);
    expect(Number.isFinite(r.updates_per_second)).toBe(true);
    expect(r.updates_per_second).toBeGreaterThan(0);
  });

  it('builds a deterministic scene', () => {
    const a = heatmapScene(2000, 5);
    const b = heatmapScene(2000, 5);
    expect(a.n).toBe(b.n);
    expect(Array.from(a.x.subarray(0, a.n))).toEqual(Array.from(b.x.subarray(0, b.n)));
  });
});
