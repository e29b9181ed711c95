/**
 * ByteTrack multi-object tracker (Zhang et al., ECCV 2022; reference BYTETracker.update in
 * ifzhang/ByteTrack), adapted for a long-running daemon:
 *
 * - class-aware: a detection is never associated with a track of another class;
 * - external ids are handed out only when a track is confirmed (matched in `minHits` frames, or born
 *   in the stream's first frame as in the reference), so flickering false positives burn no ids;
 * - the lost-track buffer is in seconds of frame time, so it holds at any frame rate;
 * - lifecycle events (track.new / track.lost / track.end) for confirmed tracks.
 *
 * - optional appearance: when detections carry colour descriptors (appearance.ts), the first and
 *   unconfirmed associations add `appearanceWeight` × appearance distance to the motion cost and
 *   refuse pairs whose appearance differs by more than `appearanceGate` — this stops identity swaps
 *   when people cross, which IoU alone cannot tell apart;
 * - the reported box is the matched detection's (default) or the Kalman-filtered one.
 *
 * - time-aware motion: the Kalman filter's step is KALMAN_STEP_SECONDS of real time (a frame of
 *   the 25 fps footage ByteTrack's noise constants were made for); an update `t` seconds after the
 *   previous one predicts over t / step steps, velocity and process noise included, so a camera at
 *   8 fps or one that drops frames is predicted as far as people really moved;
 * - re-activation after occlusion by position + appearance (recovery.ts), with an observation-
 *   centric re-update of a re-found track's velocity (OC-SORT), and optional OC-SORT direction
 *   consistency in the first association (`directionWeight`).
 */
import { iou } from '../math/box.js';
import { KALMAN_STEP_SECONDS, KalmanFilter } from './kalman-filter.js';
import { associate } from './matching.js';
import { recoverTracks } from './recovery.js';
import { STrack } from './strack.js';
import {
  DEFAULT_TRACKER_OPTIONS,
  type Detection,
  type TrackerOptions,
  type TrackerUpdate,
  type TrackEvent,
  type TrackSnapshot,
} from './types.js';

export * from './types.js';
/** A gap longer than this (seconds) is predicted as if it were this long (all tracks are lost by then). */
const MAX_PREDICT_SECONDS = 10;

export class ByteTracker {
  readonly options: TrackerOptions;
  private readonly allocateId: () => number;
  private readonly kf = new KalmanFilter();
  /** Tracked tracks, unconfirmed ones included (ByteTrack's tracked_stracks). */
  private tracked: STrack[] = [];
  private lost: STrack[] = [];
  private frameId = 0;
  /** Time of the previous update or predict (NaN before the first). */
  private lastT = Number.NaN;

  constructor(opts: Partial<TrackerOptions> = {}, allocateId?: () => number) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...opts };
    if (allocateId) {
      this.allocateId = allocateId;
    } else {
      let next = 1;
      this.allocateId = () => next++;
    }
  }

  update(detections: Detection[], t: number): TrackerUpdate {
    const o = this.options;
    const kf = this.kf;
    const frameId = ++this.frameId;
    const events: TrackEvent[] = [];
    const dt = this.steps(t);

    const high: Detection[] = [];
    const low: Detection[] = [];
    for (const d of detections) {
      if (!isUsable(d)) continue;
      if (d.score >= o.highThresh) high.push(d);
      else if (d.score >= o.lowThresh) low.push(d);
    }

    const unconfirmed: STrack[] = [];
    const pool: STrack[] = [];
    for (const tr of this.tracked) (tr.confirmed ? pool : unconfirmed).push(tr);
    for (const tr of this.lost) pool.push(tr);

    // Step 2: predict the pool; first association of high detections to tracked + lost tracks.
    for (const tr of pool) tr.predict(kf, dt);
    // The reference does not predict unconfirmed tracks (they have only ever had one frame when
    // minHits = 2); ones that already had an update (minHits > 2) are predicted so they can move.
    for (const tr of unconfirmed) if (tr.hits > 1) tr.predict(kf, dt);
    const app = o.appearanceWeight > 0 ? { weight: o.appearanceWeight, gate: o.appearanceGate, motionGate: o.matchThresh } : undefined;
    const first = associate(pool, high, o.fuseScore, o.matchThresh + (app ? o.appearanceWeight * o.appearanceGate : 0) + o.directionWeight, app, o.directionWeight);
    for (const [i, j] of first.matches) this.matchTo(pool[i]!, high[j]!, high, t, frameId);

    const unmatchedPool = first.unmatchedRows;
    const unmatchedHigh = first.unmatchedCols;

    // Step 3: second association of low detections to the still-unmatched tracked tracks.
    const remaining: STrack[] = [];
    for (const i of unmatchedPool) if (pool[i]!.state === 'tracked') remaining.push(pool[i]!);
    const second = associate(remaining, low, false, o.secondMatchThresh);
    for (const [i, j] of second.matches) remaining[i]!.update(kf, low[j]!, t, frameId);

    // Step 3b: re-activation by position + appearance of the tracks still unmatched (just lost, or
    // lost earlier) with the confident detections still unmatched.
    let leftHigh = unmatchedHigh.map((j) => high[j]!);
    const unmatchedTracked = second.unmatchedRows.map((i) => remaining[i]!);
    const stillLost = unmatchedPool.map((i) => pool[i]!).filter((tr) => tr.state === 'lost');
    const candidates = [...unmatchedTracked, ...stillLost];
    const recovered = new Set<STrack>();
    const recoverOpts = { heightsPerSecond: o.recoverHeightsPerSecond, appearanceGate: o.recoverAppearanceGate, maxSizeRatio: 1.5 };
    const taken = new Set<number>();
    for (const [i, j] of recoverTracks(candidates, leftHigh, t, recoverOpts)) {
      const tr = candidates[i]!;
      this.matchTo(tr, leftHigh[j]!, high, t, frameId);
      recovered.add(tr);
      taken.add(j);
    }
    if (taken.size > 0) leftHigh = leftHigh.filter((_, j) => !taken.has(j));
    const newlyLost: STrack[] = [];
    for (const tr of unmatchedTracked) {
      if (recovered.has(tr)) continue;
      tr.state = 'lost';
      newlyLost.push(tr);
      events.push({ type: 'track.lost', track: tr.snapshot(), t });
    }

    // Unconfirmed tracks against the high detections left over.
    const third = associate(unconfirmed, leftHigh, o.fuseScore, o.unconfirmedMatchThresh);
    for (const [i, j] of third.matches) this.matchTo(unconfirmed[i]!, leftHigh[j]!, high, t, frameId);
    for (const i of third.unmatchedRows) unconfirmed[i]!.state = 'removed';

    // Step 4: new tracks from the remaining high detections.
    const born: STrack[] = [];
    for (const j of third.unmatchedCols) {
      const d = leftHigh[j]!;
      if (d.score >= o.newTrackThresh) born.push(new STrack(kf, d, t, frameId));
    }

    // Step 5: lists. Lost tracks past the buffer are removed.
    const tracked: STrack[] = [];
    for (const tr of this.tracked) if (tr.state === 'tracked') tracked.push(tr);
    for (const tr of this.lost) if (tr.state === 'tracked') tracked.push(tr); // re-found
    for (const tr of born) tracked.push(tr);
    let lost: STrack[] = [];
    for (const tr of this.lost) if (tr.state === 'lost') lost.push(tr);
    for (const tr of newlyLost) lost.push(tr);
    lost = lost.filter((tr) => {
      if (t - tr.lastSeen <= o.trackBufferSeconds) return true;
      this.end(tr, t, events);
      return false;
    });
    const deduped = this.removeDuplicates(tracked, lost, t, events);
    this.tracked = deduped.tracked;
    this.lost = deduped.lost;

    // Confirmation: external ids only for tracks matched in minHits frames (or born in frame 1).
    const out: TrackSnapshot[] = [];
    for (const tr of this.tracked) {
      if (!tr.confirmed && (tr.hits >= o.minHits || tr.startFrame === 1)) {
        tr.confirmed = true;
        tr.id = this.allocateId();
        events.push({ type: 'track.new', track: tr.snapshot(), t, firstBox: { ...tr.firstBox } });
      }
      if (tr.confirmed) out.push(tr.snapshot(o.outputBox === 'detection'));
    }
    return { tracks: out, events };
  }

  /** Kalman update plus appearance update, the latter only when the detection is not overlapped. */
  private matchTo(tr: STrack, d: Detection, all: readonly Detection[], t: number, frameId: number): void {
    tr.update(this.kf, d, t, frameId, this.options.reupdate);
    if (!d.embedding || this.options.appearanceWeight <= 0) return;
    for (const other of all) if (other !== d && iou(other.box, d.box) > 0.15) return;
    tr.updateFeature(d.embedding, this.options.appearanceMomentum);
  }

  /**
   * A frame the detector skipped (detect_every, motion gate): tracks move by their motion model and
   * confirmed tracked ones are reported with their predicted boxes; nothing is lost or ended.
   */
  predict(t?: number): TrackerUpdate {
    this.frameId++;
    const dt = t === undefined ? 1 : this.steps(t);
    const out: TrackSnapshot[] = [];
    for (const tr of this.lost) tr.predict(this.kf, dt);
    for (const tr of this.tracked) {
      if (tr.hits > 1 || tr.confirmed) tr.predict(this.kf, dt);
      if (tr.confirmed) out.push(tr.snapshot(false));
    }
    return { tracks: out, events: [] };
  }

  /** Kalman steps from the previous update to t (1 for the first update or a time going backwards). */
  private steps(t: number): number {
    const prev = this.lastT;
    this.lastT = t;
    if (!(t > prev)) return 1;
    return Math.min(t - prev, MAX_PREDICT_SECONDS) / KALMAN_STEP_SECONDS;
  }

  /** Ends every remaining track (stream stopped); the next update starts a fresh stream. */
  flush(t: number): TrackEvent[] {
    const events: TrackEvent[] = [];
    for (const tr of this.tracked) this.end(tr, t, events);
    for (const tr of this.lost) this.end(tr, t, events);
    this.tracked = [];
    this.lost = [];
    this.frameId = 0;
    this.lastT = Number.NaN;
    return events;
  }

  /** Tracks currently held (tracked, unconfirmed and lost); for diagnostics. */
  get size(): { tracked: number; unconfirmed: number; lost: number } {
    let unconfirmed = 0;
    for (const tr of this.tracked) if (!tr.confirmed) unconfirmed++;
    return { tracked: this.tracked.length - unconfirmed, unconfirmed, lost: this.lost.length };
  }

  private end(tr: STrack, t: number, events: TrackEvent[]): void {
    const wasConfirmed = tr.confirmed;
    const track = tr.snapshot();
    tr.state = 'removed';
    if (!wasConfirmed) return;
    events.push({
      type: 'track.end',
      track,
      t,
      bestScore: tr.bestScore,
      pathLength: tr.path.length,
      path: tr.path.points(),
    });
  }

  /**
   * ByteTrack's remove_duplicate_stracks: a tracked/lost pair of one class overlapping by more than
   * duplicateIou is one object twice. Unlike the reference, which drops whichever was tracked for
   * fewer frames, the lost one always goes: every tracked track holds this frame's detection, a
   * lost one only a prediction, so a long-lost prediction drifting onto a young track must not end
   * the track that shows where the object is (the object would go untracked, the lost track being
   * no nearer to a detection).
   */
  private removeDuplicates(
    tracked: STrack[],
    lost: STrack[],
    t: number,
    events: TrackEvent[],
  ): { tracked: STrack[]; lost: STrack[] } {
    if (tracked.length === 0 || lost.length === 0) return { tracked, lost };
    const drop = new Set<STrack>();
    for (const b of lost) {
      for (const a of tracked) {
        if (a.classId === b.classId && iou(a.box, b.box) > this.options.duplicateIou) {
          drop.add(b);
          break;
        }
      }
    }
    if (drop.size === 0) return { tracked, lost };
    for (const tr of drop) this.end(tr, t, events);
    return { tracked, lost: lost.filter((tr) => !drop.has(tr)) };
  }
}

function isUsable(d: Detection): boolean {
  const b = d.box;
  return (
    Number.isFinite(d.score) &&
    Number.isFinite(b.x1) &&
    Number.isFinite(b.y1) &&
    b.x2 > b.x1 &&
    b.y2 > b.y1 &&
    Number.isFinite(b.x2) &&
    Number.isFinite(b.y2)
  );
}
