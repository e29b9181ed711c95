/**
 * The heatmap grid and its storage codec: the type every layer passes around, and the blob format the
 * store writes (analytics/heatmap.ts accumulates grids; the store only encodes, decodes and adds them).
 */

export type HeatmapKind = 'presence' | 'traffic';

/** Row-major grid: values.length === width * height. */
export interface HeatmapGrid {
  width: number;
  height: number;
  values: Float32Array;
}

/** Largest grid side accepted (by the accumulator, resample and decodeGrid). */
export const MAX_HEATMAP_SIDE = 4096;

export function checkSide(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1 || v > MAX_HEATMAP_SIDE) {
    throw new RangeError(`heatmap ${what} must be an integer in 1..${MAX_HEATMAP_SIDE}, got ${v}`);
  }
  return v;
}

export function checkGrid(g: HeatmapGrid, what: string): void {
  if (g.values.length !== g.width * g.height) {
    throw new RangeError(`${what}: values.length ${g.values.length} != ${g.width}×${g.height}`);
  }
}

/*
 * Blob layout of encodeGrid (all little-endian), 16 + 4·width·height bytes:
 *
 *   offset  size  field
 *        0     4  magic, ASCII "VHMP"
 *        4     2  version (uint16) = 1
 *        6     2  reserved (uint16) = 0
 *        8     4  width (uint32)
 *       12     4  height (uint32)
 *       16  4·w·h values (float32), row-major (row 0 first)
 */
const MAGIC = [0x56, 0x48, 0x4d, 0x50] as const; // "VHMP"
const VERSION = 1;
const HEADER_BYTES = 16;

export function encodeGrid(g: HeatmapGrid): Buffer {
  checkGrid(g, 'encodeGrid');
  const n = g.values.length;
  const buf = Buffer.allocUnsafe(HEADER_BYTES + 4 * n);
  buf[0] = MAGIC[0];
  buf[1] = MAGIC[1];
  buf[2] = MAGIC[2];
  buf[3] = MAGIC[3];
  buf.writeUInt16LE(VERSION, 4);
  buf.writeUInt16LE(0, 6);
  buf.writeUInt32LE(g.width, 8);
  buf.writeUInt32LE(g.height, 12);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const v = g.values;
  for (let i = 0; i < n; i++) view.setFloat32(HEADER_BYTES + 4 * i, v[i]!, true);
  return buf;
}

export function decodeGrid(b: Uint8Array): HeatmapGrid {
  if (b.byteLength < HEADER_BYTES) {
    throw new Error(`heatmap blob too short: ${b.byteLength} bytes, the header alone is ${HEADER_BYTES}`);
  }
  if (b[0] !== MAGIC[0] || b[1] !== MAGIC[1] || b[2] !== MAGIC[2] || b[3] !== MAGIC[3]) {
    throw new Error('not a heatmap blob: bad magic (expected "VHMP")');
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = view.getUint16(4, true);
  if (version !== VERSION) throw new Error(`heatmap blob version ${version} is not supported (expected ${VERSION})`);
  const width = view.getUint32(8, true);
  const height = view.getUint32(12, true);
  if (width < 1 || height < 1 || width > MAX_HEATMAP_SIDE || height > MAX_HEATMAP_SIDE) {
    throw new Error(`heatmap blob has a bad size ${width}×${height}`);
  }
  const n = width * height;
  const expected = HEADER_BYTES + 4 * n;
  if (b.byteLength !== expected) {
    throw new Error(`heatmap blob size mismatch: ${width}×${height} needs ${expected} bytes, got ${b.byteLength}`);
  }
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = view.getFloat32(HEADER_BYTES + 4 * i, true);
  return { width, height, values };
}

/** Adds g into `into` cell by cell and returns `into`; both must have the same size. */
export function addGrids(into: HeatmapGrid, g: HeatmapGrid): HeatmapGrid {
  if (into.width !== g.width || into.height !== g.height) {
    throw new RangeError(`addGrids: size mismatch ${into.width}×${into.height} vs ${g.width}×${g.height}`);
  }
  checkGrid(into, 'addGrids');
  checkGrid(g, 'addGrids');
  const a = into.values;
  const b = g.values;
  for (let i = 0; i < a.length; i++) a[i] = a[i]! + b[i]!;
  return into;
}
