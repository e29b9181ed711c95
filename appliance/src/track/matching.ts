/**
 * Track-to-detection association (ByteTrack's matching.py): IoU cost, optional score fusion,
 * class gating, and gated min-cost assignment.
 *
 * The gated problem decomposes: leaving a row or column unmatched has a fixed cost and a pair above
 * the threshold is never made, so the optimum is the union of the optima of the connected
 * components of the admissible-pair graph. Each component is solved on its own (most are a single
 * track and a single detection), which keeps crowded frames far from the O(n³) of one padded
 * (rows + cols)² Hungarian problem. The result equals `linearAssignment` on the whole matrix up to
 * ties between equal-cost solutions.
 */
import { iou } from '../math/box.js';
import { linearAssignment, type Assignment } from '../math/linear-assignment.js';
import type { STrack } from './strack.js';
import { appearanceDistance } from './appearance.js';
import type { Detection } from './types.js';

export interface AppearanceCost {
  /** Added cost per unit of appearance distance. */
  weight: number;
  /** Appearance distance above which a pair is refused. */
  gate: number;
  /** Largest motion (IoU) cost a pair may have before appearance is considered. */
  motionGate: number;
}

/**
 * Cost matrix tracks × detections: 1 − IoU, or 1 − IoU·score when `fuse` (fuse_score);
 * Infinity across classes. With `app`, pairs that pass the motion gate get the weighted appearance
 * distance added, and pairs that look too different are refused. With `direction` > 0 (OC-SORT's
 * direction consistency), a pair also costs direction × (angle between the track's observed
 * velocity and the step from its last observation to the detection) / π, when both are clear
 * (the track moves at least 0.1 box heights a second and the step is at least 0.05 heights).
 */
export function costMatrix(
  tracks: readonly STrack[],
  dets: readonly Detection[],
  fuse: boolean,
  app?: AppearanceCost,
  direction = 0,
): Float64Array[] {
  const cost = new Array<Float64Array>(tracks.length);
  for (let i = 0; i < tracks.length; i++) {
    const tr = tracks[i]!;
    const row = new Float64Array(dets.length);
    for (let j = 0; j < dets.length; j++) {
      const d = dets[j]!;
      if (d.classId !== tr.classId) {
        row[j] = Infinity;
        continue;
      }
      const s = iou(tr.box, d.box);
      let c = 1 - (fuse ? s * d.score : s);
      if (app && tr.feature && d.embedding) {
        // Motion gates first (the IoU cost alone must pass); appearance then ranks and vetoes.
        const a = appearanceDistance(tr.feature, d.embedding);
        c = c > app.motionGate || a > app.gate ? Infinity : c + app.weight * a;
      }
      if (direction > 0 && c !== Infinity) c += direction * directionCost(tr, d);
      row[j] = c;
    }
    cost[i] = row;
  }
  return cost;
}

/** Gated min-cost matching of tracks (rows) to detections (cols); unmatched lists ascend. */
export function associate(
  tracks: readonly STrack[],
  dets: readonly Detection[],
  fuse: boolean,
  thresh: number,
  app?: AppearanceCost,
  direction = 0,
): Assignment {
  return gatedAssignment(costMatrix(tracks, dets, fuse, app, direction), tracks.length, dets.length, thresh);
}

/** Angle (0–1 of π) between a track's observed heading and the step to detection d; 0 when unclear. */
function directionCost(tr: STrack, d: Detection): number {
  const last = tr.detBox;
  const h = last.y2 - last.y1;
  const speed = Math.hypot(tr.obsVx, tr.obsVy);
  if (!(h > 0) || speed < 0.1 * h) return 0;
  const dx = (d.box.x1 + d.box.x2 - last.x1 - last.x2) / 2;
  const dy = (d.box.y1 + d.box.y2 - last.y1 - last.y2) / 2;
  const step = Math.hypot(dx, dy);
  if (step < 0.05 * h) return 0;
  const cos = (dx * tr.obsVx + dy * tr.obsVy) / (step * speed);
  return Math.acos(Math.max(-1, Math.min(1, cos))) / Math.PI;
}

/** `linearAssignment` solved per connected component of the pairs with cost ≤ thresh. */
export function gatedAssignment(cost: Float64Array[], rows: number, cols: number, thresh: number): Assignment {
  const matches: Array<[number, number]> = [];
  const rowMatch = new Int32Array(rows).fill(-1);
  const colTaken = new Uint8Array(cols);
  if (rows > 0 && cols > 0) {
    // Union-find over rows (0..rows-1) and cols (rows..rows+cols-1).
    const parent = new Int32Array(rows + cols);
    for (let k = 0; k < parent.length; k++) parent[k] = k;
    const find = (k: number): number => {
      while (parent[k] !== k) {
        const p = parent[parent[k]!]!;
        parent[k] = p;
        k = p;
      }
      return k;
    };
    let edges = 0;
    for (let i = 0; i < rows; i++) {
      const row = cost[i]!;
      for (let j = 0; j < cols; j++) {
        if (!(row[j]! <= thresh)) continue; // also rejects NaN
        edges++;
        const a = find(i);
        const b = find(rows + j);
        if (a !== b) parent[a] = b;
      }
    }
    if (edges > 0) {
      const compRows = new Map<number, number[]>();
      const compCols = new Map<number, number[]>();
      for (let i = 0; i < rows; i++) push(compRows, find(i), i);
      for (let j = 0; j < cols; j++) push(compCols, find(rows + j), j);
      for (const [root, rs] of compRows) {
        const cs = compCols.get(root);
        if (cs === undefined) continue; // a row with no admissible pair
        if (rs.length === 1 && cs.length === 1) {
          rowMatch[rs[0]!] = cs[0]!;
          continue;
        }
        const sub = rs.map((i) => {
          const src = cost[i]!;
          const r = new Float64Array(cs.length);
          for (let k = 0; k < cs.length; k++) r[k] = src[cs[k]!]!;
          return r;
        });
        for (const [si, sj] of linearAssignment(sub, rs.length, cs.length, thresh).matches) {
          rowMatch[rs[si]!] = cs[sj]!;
        }
      }
    }
  }
  const unmatchedRows: number[] = [];
  for (let i = 0; i < rows; i++) {
    const j = rowMatch[i]!;
    if (j < 0) {
      unmatchedRows.push(i);
    } else {
      matches.push([i, j]);
      colTaken[j] = 1;
    }
  }
  const unmatchedCols: number[] = [];
  for (let j = 0; j < cols; j++) if (!colTaken[j]) unmatchedCols.push(j);
  return { matches, unmatchedRows, unmatchedCols };
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
