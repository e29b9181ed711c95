/**
 * Minimum-cost assignment (Hungarian method with potentials, O(n²·m)).
 *
 * `hungarian` solves a dense rectangular cost matrix and returns, for every row, the column it is
 * assigned to (or -1 when there are more rows than columns). `linearAssignment` is the gated form
 * trackers and evaluators need: pairs whose cost exceeds `threshold` are never made, and leaving a
 * row or column unmatched costs `threshold / 2` each (the same extension `lap.lapjv(cost_limit=…)`
 * applies), so the result is the cheapest set of admissible pairs rather than a forced full matching.
 */

/** Rows of a cost matrix; every row has the same length. */
export type CostMatrix = ArrayLike<number>[];

export interface Assignment {
  /** Matched pairs as [row, col]. */
  matches: Array<[number, number]>;
  unmatchedRows: number[];
  unmatchedCols: number[];
}

/** Returns rowToCol: the column assigned to each row, -1 where a row is left out (rows > cols). */
export function hungarian(cost: CostMatrix, cols?: number): Int32Array {
  const n = cost.length;
  const m = cols ?? (n > 0 ? cost[0]!.length : 0);
  const rowToCol = new Int32Array(n).fill(-1);
  if (n === 0 || m === 0) return rowToCol;
  if (n > m) {
    // Solve the transpose so the row count never exceeds the column count.
    const t: number[][] = [];
    for (let j = 0; j < m; j++) {
      const r = new Array<number>(n);
      for (let i = 0; i < n; i++) r[i] = cost[i]![j]!;
      t.push(r);
    }
    const colToRow = hungarian(t, n);
    for (let j = 0; j < m; j++) {
      const i = colToRow[j]!;
      if (i >= 0) rowToCol[i] = j;
    }
    return rowToCol;
  }
  // 1-based potentials formulation: u (rows), v (cols), p[col] = row matched to col.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      const row = cost[i0 - 1]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = row[j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          const r = p[j]!;
          u[r] = u[r]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  for (let j = 1; j <= m; j++) if (p[j]! > 0) rowToCol[p[j]! - 1] = j - 1;
  return rowToCol;
}

/**
 * Cheapest set of pairs with cost ≤ threshold. Non-finite costs are treated as inadmissible.
 */
export function linearAssignment(cost: CostMatrix, rows: number, cols: number, threshold: number): Assignment {
  const matches: Array<[number, number]> = [];
  if (rows === 0 || cols === 0) {
    return { matches, unmatchedRows: range(rows), unmatchedCols: range(cols) };
  }
  const size = rows + cols;
  const half = threshold / 2;
  // Anything above this is never chosen over leaving both sides unmatched (cost = threshold).
  const big = threshold * 4 + 1e6;
  const ext: Float64Array[] = [];
  for (let i = 0; i < size; i++) {
    const r = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      if (i < rows && j < cols) {
        const c = cost[i]![j]!;
        r[j] = Number.isFinite(c) && c <= threshold ? c : big;
      } else if (i < rows || j < cols) {
        r[j] = half;
      } else {
        r[j] = 0;
      }
    }
    ext.push(r);
  }
  const rowToCol = hungarian(ext, size);
  const colTaken = new Uint8Array(cols);
  const unmatchedRows: number[] = [];
  for (let i = 0; i < rows; i++) {
    const j = rowToCol[i]!;
    if (j >= 0 && j < cols && ext[i]![j]! < big) {
      matches.push([i, j]);
      colTaken[j] = 1;
    } else {
      unmatchedRows.push(i);
    }
  }
  const unmatchedCols: number[] = [];
  for (let j = 0; j < cols; j++) if (!colTaken[j]) unmatchedCols.push(j);
  return { matches, unmatchedRows, unmatchedCols };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
