/**
 * Re-activation after occlusion, by position and appearance (after OC-SORT's observation-centric
 * recovery, with the appearance check of DeepSORT-style trackers).
 *
 * IoU with the Kalman prediction fails for a track that was hidden for a while: the prediction has
 * drifted or stopped, and at a low frame rate a walker moves further than a box width between two
 * frames. So tracks left unmatched by the IoU associations (just lost, or lost within the buffer)
 * get one more chance against the confident detections still unmatched: a detection whose box
 * centre lies within a gate of where the track was last OBSERVED — or where its observed velocity
 * was taking it — and that looks like the track (colour descriptor), continues it.
 *
 * The gate is in box heights and grows with the real time since the track was last seen (people
 * walk about a body height a second), so it means the same near and far from the camera and at any
 * frame rate. Without descriptors the motion gate alone decides, at half the distance.
 *
 * Sizes are judged against the track's steady height (steady-height.ts: the score-weighted median
 * over its last second), not only against its last box: the frame a person is lost is usually one
 * where they are half hidden, and a partial last box would let someone 1.5× taller or shorter than
 * the person pass the size check. The detection must be within the ratio of both (the last box as
 * well, because a re-found box far off the last one moves the foot point that counting follows).
 * Distances are in steady heights, so a larger other person does not shrink them.
 */
import { gatedAssignment } from './matching.js';
import { appearanceDistance } from './appearance.js';
import type { STrack } from './strack.js';
import type { Detection } from './types.js';

export interface RecoveryOptions {
  /** Gate radius in box heights per second of absence (plus a half-height allowance). 0 disables. */
  heightsPerSecond: number;
  /** Appearance distance above which a detection cannot continue the track. */
  appearanceGate: number;
  /** Largest box-height ratio between the detection and the track's steady height, and its last box. */
  maxSizeRatio: number;
}

/** Pairs (track index, detection index) re-activating tracks; cost mixes distance and appearance. */
export function recoverTracks(tracks: readonly STrack[], dets: readonly Detection[], t: number, o: RecoveryOptions): Array<[number, number]> {
  if (o.heightsPerSecond <= 0 || tracks.length === 0 || dets.length === 0) return [];
  const within = (ratio: number): boolean => ratio <= o.maxSizeRatio && ratio >= 1 / o.maxSizeRatio;
  const cost = tracks.map((tr) => {
    const row = new Float64Array(dets.length).fill(Infinity);
    const last = tr.detBox;
    const lh = last.y2 - last.y1;
    const steady = tr.steadyHeight.value;
    const sh = steady > 0 ? steady : lh;
    const lx = (last.x1 + last.x2) / 2;
    const ly = (last.y1 + last.y2) / 2;
    const gap = Math.max(0, t - tr.lastSeen);
    dets.forEach((d, j) => {
      if (d.classId !== tr.classId) return;
      const h = d.box.y2 - d.box.y1;
      if (!within(h / sh) || !within(h / lh)) return;
      const cx = (d.box.x1 + d.box.x2) / 2;
      const cy = (d.box.y1 + d.box.y2) / 2;
      const still = Math.hypot(cx - lx, cy - ly);
      const moving = Math.hypot(cx - lx - tr.obsVx * gap, cy - ly - tr.obsVy * gap);
      const dist = Math.min(still, moving) / sh;
      const app = tr.feature && d.embedding ? appearanceDistance(tr.feature, d.embedding) : undefined;
      const gate = o.heightsPerSecond * (0.5 + gap) * (app === undefined ? 0.5 : 1);
      if (dist > gate) return;
      if (app !== undefined && app > o.appearanceGate) return;
      row[j] = 0.5 * (dist / gate) + 0.5 * (app === undefined ? 1 : app / o.appearanceGate);
    });
    return row;
  });
  return gatedAssignment(cost, tracks.length, dets.length, 1).matches;
}
