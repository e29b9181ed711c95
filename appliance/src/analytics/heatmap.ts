/**
 * Heatmaps of where objects are: per camera and class, a grid (default 64×48) over the frame,
 * accumulated per time bucket (default one hour), of two kinds:
 *
 * - `presence`: object-seconds per cell (where people spend time). Each track update adds the time
 *   since that track's previous update, capped (default 1 s, so a long occlusion gap does not dump
 *   its seconds into one cell), to the cell of the current foot point. A track's first update adds
 *   nothing (there is no previous one).
 * - `traffic`: distinct tracks per cell (where people pass). A cell counts a track at most once per
 *   bucket however long it stays; the cells on the straight (Bresenham) segment between a track's
 *   previous and current cell are counted too, so a fast walker leaves no gaps.
 *
 * {@link HeatmapAccumulator.drain} hands out DELTAS since the previous drain (the store adds them to
 * what it has). The traffic "already counted" state lives with each track, tagged with its bucket:
 * it survives drains within a bucket and is reset when the track enters a newer bucket, released
 * by a drain once the camera has moved to a newer bucket, and dropped with the track on endTrack.
 *
 * Grids are row-major: value of column cx, row cy is values[cy * width + cx]; row 0 is the top of
 * the frame (normalised y = 0).
 */

import { checkGrid, checkSide, type HeatmapGrid, type HeatmapKind } from '../store/heatmap-grid.js';

export { addGrids, decodeGrid, encodeGrid, MAX_HEATMAP_SIDE, type HeatmapGrid, type HeatmapKind } from '../store/heatmap-grid.js';


export interface BucketKey {
  camera: string;
  className: string;
  kind: HeatmapKind;
  /** Unix seconds of the bucket start (a multiple of the bucket length: hour-aligned by default). */
  bucket: number;
}

export interface HeatmapOptions {
  /** Grid columns (default 64). */
  width?: number;
  /** Grid rows (default 48). */
  height?: number;
  /** Bucket length in seconds (default 3600). */
  bucketSeconds?: number;
  /** Most seconds one update adds to presence (default 1). */
  maxStepSeconds?: number;
  /**
   * A track not updated for this long (seconds, measured against the newest update of its camera)
   * is forgotten by the next drain, as if endTrack had been called (default 600): a safety net so
   * that memory stays bounded when an end is missed.
   */
  staleTrackSeconds?: number;
}

export const DEFAULT_HEATMAP_WIDTH = 64;
export const DEFAULT_HEATMAP_HEIGHT = 48;
export const DEFAULT_BUCKET_SECONDS = 3600;

/** Deltas of one (camera, class, bucket) since the last drain; null = not touched. */
interface Delta {
  bucket: number;
  /** Accumulated in float64 so many small steps lose nothing; converted to float32 on drain. */
  presence: Float64Array | null;
  traffic: Float32Array | null;
}

interface ClassState {
  name: string;
  deltas: Map<number, Delta>;
  /** The delta of the bucket last used (the common case: every update of a drain period). */
  last: Delta | null;
}

interface TrackState {
  cls: ClassState;
  lastT: number;
  /** Cell of the previous update, -1 before the first. */
  lastCell: number;
  /** Bucket that `counted` refers to (NaN: none). */
  countedBucket: number;
  /** Bitset over cells: already counted in traffic for countedBucket. */
  counted: Uint32Array | null;
}

interface CameraState {
  name: string;
  classes: Map<string, ClassState>;
  tracks: Map<number, TrackState>;
  newestT: number;
}


export class HeatmapAccumulator {
  readonly width: number;
  readonly height: number;
  readonly bucketSeconds: number;
  readonly maxStepSeconds: number;
  readonly staleTrackSeconds: number;
  private readonly cells: number;
  private readonly words: number;
  private readonly cameras = new Map<string, CameraState>();

  constructor(opts: HeatmapOptions = {}) {
    this.width = checkSide(opts.width ?? DEFAULT_HEATMAP_WIDTH, 'width');
    this.height = checkSide(opts.height ?? DEFAULT_HEATMAP_HEIGHT, 'height');
    this.bucketSeconds = opts.bucketSeconds ?? DEFAULT_BUCKET_SECONDS;
    this.maxStepSeconds = opts.maxStepSeconds ?? 1;
    this.staleTrackSeconds = opts.staleTrackSeconds ?? 600;
    if (!(this.bucketSeconds > 0) || !Number.isFinite(this.bucketSeconds)) {
      throw new RangeError(`heatmap bucketSeconds must be a positive number, got ${this.bucketSeconds}`);
    }
    if (!(this.maxStepSeconds >= 0) || !Number.isFinite(this.maxStepSeconds)) {
      throw new RangeError(`heatmap maxStepSeconds must be a non-negative number, got ${this.maxStepSeconds}`);
    }
    if (!(this.staleTrackSeconds > 0)) {
      throw new RangeError(`heatmap staleTrackSeconds must be positive, got ${this.staleTrackSeconds}`);
    }
    this.cells = this.width * this.height;
    this.words = (this.cells + 31) >>> 5;
  }

  /** Start (unix seconds) of the bucket holding t. */
  bucketOf(t: number): number {
    return Math.floor(t / this.bucketSeconds) * this.bucketSeconds;
  }

  /**
   * One track update: foot point in normalised image coordinates (0–1, clamped), t in unix seconds.
   * Updates with a non-finite coordinate or time are ignored. Per track, t is expected not to
   * decrease; a step back adds no presence.
   */
  add(camera: string, className: string, trackId: number, x: number, y: number, t: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(t)) return;
    let cam = this.cameras.get(camera);
    if (cam === undefined) {
      cam = { name: camera, classes: new Map(), tracks: new Map(), newestT: t };
      this.cameras.set(camera, cam);
    } else if (t > cam.newestT) {
      cam.newestT = t;
    }
    let cls = cam.classes.get(className);
    if (cls === undefined) {
      cls = { name: className, deltas: new Map(), last: null };
      cam.classes.set(className, cls);
    }

    const w = this.width;
    let cx = Math.floor(x * w);
    if (cx < 0) cx = 0;
    else if (cx >= w) cx = w - 1;
    let cy = Math.floor(y * this.height);
    if (cy < 0) cy = 0;
    else if (cy >= this.height) cy = this.height - 1;
    const cell = cy * w + cx;

    const bucket = Math.floor(t / this.bucketSeconds) * this.bucketSeconds;
    let d = cls.last;
    if (d === null || d.bucket !== bucket) d = this.deltaOf(cls, bucket);

    let tr = cam.tracks.get(trackId);
    if (tr === undefined) {
      tr = { cls, lastT: t, lastCell: -1, countedBucket: Number.NaN, counted: null };
      cam.tracks.set(trackId, tr);
    } else if (tr.cls !== cls) {
      // Reclassified: start afresh in the new class (its previous cell and counts were the old class's).
      tr.cls = cls;
      tr.lastCell = -1;
      tr.countedBucket = Number.NaN;
    }

    // presence: time since this track's previous update, capped.
    if (tr.lastCell >= 0) {
      let dt = t - tr.lastT;
      if (dt > this.maxStepSeconds) dt = this.maxStepSeconds;
      if (dt > 0) {
        const p = d.presence ?? (d.presence = new Float64Array(this.cells));
        p[cell] = p[cell]! + dt;
      }
    }

    // traffic: each cell on the way counts this track once per bucket.
    let counted = tr.counted;
    if (tr.countedBucket !== bucket || counted === null) {
      if (counted === null) counted = tr.counted = new Uint32Array(this.words);
      else counted.fill(0);
      tr.countedBucket = bucket;
    }
    const prev = tr.lastCell;
    if (prev < 0 || prev === cell) {
      this.mark(counted, d, cell);
    } else {
      // Bresenham between the previous cell and this one, always walked from the lower cell index so
      // that a walk back along the same segment visits the same cells. The previous cell is skipped:
      // it was counted when the track was there (in its own bucket).
      let x0: number;
      let y0: number;
      let x1: number;
      let y1: number;
      const px = prev % w;
      const py = (prev - px) / w;
      if (prev < cell) {
        x0 = px;
        y0 = py;
        x1 = cx;
        y1 = cy;
      } else {
        x0 = cx;
        y0 = cy;
        x1 = px;
        y1 = py;
      }
      const dx = Math.abs(x1 - x0);
      const dy = -Math.abs(y1 - y0);
      const sx = x0 < x1 ? 1 : -1;
      const sy = y0 < y1 ? 1 : -1;
      let err = dx + dy;
      for (;;) {
        const c = y0 * w + x0;
        if (c !== prev) this.mark(counted, d, c);
        if (x0 === x1 && y0 === y1) break;
        const e2 = 2 * err;
        if (e2 >= dy) {
          err += dy;
          x0 += sx;
        }
        if (e2 <= dx) {
          err += dx;
          y0 += sy;
        }
      }
    }

    tr.lastT = t;
    tr.lastCell = cell;
  }

  /** A track ended: forget its per-track state (previous point, traffic "already counted" set). */
  endTrack(camera: string, trackId: number): void {
    this.cameras.get(camera)?.tracks.delete(trackId);
  }

  /** A camera stopped or restarted: forget all its tracks (pending deltas are kept for the next drain). */
  endCamera(camera: string): void {
    this.cameras.get(camera)?.tracks.clear();
  }

  /**
   * The grids touched since the last drain, as deltas to add to what is stored, and resets them.
   * Then, per camera, releases the traffic sets of buckets older than the camera's current one
   * (the bucket of its newest update) and forgets tracks idle for longer than staleTrackSeconds.
   */
  drain(): Array<{ key: BucketKey; grid: HeatmapGrid }> {
    const out: Array<{ key: BucketKey; grid: HeatmapGrid }> = [];
    const { width, height } = this;
    for (const cam of this.cameras.values()) {
      for (const cls of cam.classes.values()) {
        if (cls.deltas.size === 0) continue;
        for (const d of cls.deltas.values()) {
          if (d.presence !== null) {
            out.push({
              key: { camera: cam.name, className: cls.name, kind: 'presence', bucket: d.bucket },
              grid: { width, height, values: Float32Array.from(d.presence) },
            });
          }
          if (d.traffic !== null) {
            out.push({
              key: { camera: cam.name, className: cls.name, kind: 'traffic', bucket: d.bucket },
              grid: { width, height, values: d.traffic },
            });
          }
        }
        cls.deltas.clear();
        cls.last = null;
      }
      const current = this.bucketOf(cam.newestT);
      const staleBefore = cam.newestT - this.staleTrackSeconds;
      for (const [id, tr] of cam.tracks) {
        if (tr.lastT < staleBefore) {
          cam.tracks.delete(id);
        } else if (tr.counted !== null && !(tr.countedBucket >= current)) {
          tr.counted = null;
          tr.countedBucket = Number.NaN;
        }
      }
    }
    return out;
  }

  /** Sizes of the state held, for tests and metrics. */
  stats(): { cameras: number; tracks: number; countedSets: number; pendingDeltas: number } {
    let tracks = 0;
    let countedSets = 0;
    let pendingDeltas = 0;
    for (const cam of this.cameras.values()) {
      tracks += cam.tracks.size;
      for (const tr of cam.tracks.values()) if (tr.counted !== null) countedSets++;
      for (const cls of cam.classes.values()) pendingDeltas += cls.deltas.size;
    }
    return { cameras: this.cameras.size, tracks, countedSets, pendingDeltas };
  }

  private deltaOf(cls: ClassState, bucket: number): Delta {
    let d = cls.deltas.get(bucket);
    if (d === undefined) {
      d = { bucket, presence: null, traffic: null };
      cls.deltas.set(bucket, d);
    }
    cls.last = d;
    return d;
  }

  private mark(counted: Uint32Array, d: Delta, cell: number): void {
    const word = cell >>> 5;
    const bit = 1 << (cell & 31);
    const v = counted[word]!;
    if ((v & bit) !== 0) return;
    counted[word] = v | bit;
    const g = d.traffic ?? (d.traffic = new Float32Array(this.cells));
    g[cell] = g[cell]! + 1;
  }
}


/** For a 1-D resample of n cells to m: each source cell's share of each destination cell it overlaps. */
function overlapWeights(n: number, m: number): { src: Int32Array; dst: Int32Array; w: Float64Array } {
  const src: number[] = [];
  const dst: number[] = [];
  const w: number[] = [];
  const s = m / n; // destination cells per source cell
  for (let i = 0; i < n; i++) {
    const start = i * s;
    const end = (i + 1) * s;
    const last = Math.min(m - 1, Math.ceil(end) - 1);
    for (let j = Math.floor(start); j <= last; j++) {
      const overlap = Math.min(end, j + 1) - Math.max(start, j);
      if (overlap > 0) {
        src.push(i);
        dst.push(j);
        w.push(overlap / s);
      }
    }
  }
  return { src: Int32Array.from(src), dst: Int32Array.from(dst), w: Float64Array.from(w) };
}

/**
 * Area-weighted resample to width×height: each source cell's value is shared among the destination
 * cells it overlaps, in proportion to the overlapped area. Sums are therefore preserved (up to float
 * rounding): total presence object-seconds are unchanged, and a region's total is the same at any
 * resolution. (For traffic, downsampling sums the distinct-track counts of the merged cells; a track
 * crossing several of them is counted once per cell it crossed.) Upsampling spreads a value evenly,
 * so a cell of a 2× finer grid holds a quarter.
 */
export function resample(g: HeatmapGrid, width: number, height: number): HeatmapGrid {
  checkGrid(g, 'resample');
  checkSide(width, 'width');
  checkSide(height, 'height');
  const sw = g.width;
  const sh = g.height;
  if (sw === width && sh === height) return { width, height, values: Float32Array.from(g.values) };
  const wx = overlapWeights(sw, width);
  const wy = overlapWeights(sh, height);
  // Columns first (sh rows × width), then rows (height × width), in float64.
  const tmp = new Float64Array(sh * width);
  const v = g.values;
  for (let r = 0; r < sh; r++) {
    const so = r * sw;
    const to = r * width;
    for (let k = 0; k < wx.w.length; k++) {
      tmp[to + wx.dst[k]!] = tmp[to + wx.dst[k]!]! + v[so + wx.src[k]!]! * wx.w[k]!;
    }
  }
  const acc = new Float64Array(height * width);
  for (let k = 0; k < wy.w.length; k++) {
    const so = wy.src[k]! * width;
    const to = wy.dst[k]! * width;
    const wk = wy.w[k]!;
    for (let c = 0; c < width; c++) acc[to + c] = acc[to + c]! + tmp[so + c]! * wk;
  }
  return { width, height, values: Float32Array.from(acc) };
}

/** Largest value of the grid (NaN ignored); 0 for an empty grid or one of NaN only. */
export function maxOf(g: HeatmapGrid): number {
  const v = g.values;
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) if (v[i]! > m) m = v[i]!;
  return m === Number.NEGATIVE_INFINITY ? 0 : m;
}
