/**
 * ID measures (Ristani et al. 2016): gt and predicted trajectories are matched one-to-one so that
 * the number of frames in which matched trajectories overlap (IoU ≥ threshold) is as large as
 * possible. IDTP is that number; every other gt box is an IDFN and every other prediction an IDFP.
 */
import { hungarian } from '../math/linear-assignment.js';
import { admissible } from './gated-matching.js';
import type { EvalFrame } from './mot-frames.js';

export interface IdentityCounts {
  IDTP: number;
  IDFP: number;
  IDFN: number;
}

export function identityCounts(frames: readonly EvalFrame[], threshold: number): IdentityCounts {
  let gtBoxes = 0;
  let predBoxes = 0;
  // overlap.get(gtId).get(predId) = frames in which both exist with IoU ≥ threshold.
  const overlap = new Map<number, Map<number, number>>();
  for (const f of frames) {
    gtBoxes += f.gtIds.length;
    predBoxes += f.predIds.length;
    f.gtIds.forEach((gid, i) => {
      f.predIds.forEach((pid, j) => {
        if (!admissible(f.sim[i]![j]!, threshold)) return;
        let row = overlap.get(gid);
        if (!row) overlap.set(gid, (row = new Map()));
        row.set(pid, (row.get(pid) ?? 0) + 1);
      });
    });
  }

  // Only ids with some overlap can contribute; the rest would be matched to zero anyway.
  const gtIds = [...overlap.keys()];
  const predIds = [...new Set(gtIds.flatMap((g) => [...overlap.get(g)!.keys()]))];
  const predIndex = new Map(predIds.map((p, j) => [p, j]));
  const counts = gtIds.map(() => new Float64Array(predIds.length));
  gtIds.forEach((g, i) => {
    for (const [p, n] of overlap.get(g)!) counts[i]![predIndex.get(p)!] = n;
  });
  // hungarian minimises and handles rectangular matrices (each row gets a column, or -1 when rows > cols).
  const rowToCol = hungarian(
    counts.map((r) => r.map((n) => -n)),
    predIds.length,
  );
  let idtp = 0;
  rowToCol.forEach((j, i) => {
    if (j >= 0) idtp += counts[i]![j]!;
  });
  return { IDTP: idtp, IDFP: predBoxes - idtp, IDFN: gtBoxes - idtp };
}
