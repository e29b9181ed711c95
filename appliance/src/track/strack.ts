/**
 * State of one track (ByteTrack's STrack): Kalman mean/covariance, lifecycle state, confirmation,
 * scores and the foot-point path.
 */
import type { Box } from '../math/box.js';
import { boxToXyah, KALMAN_STEP_SECONDS, type KalmanFilter } from './kalman-filter.js';
import { SteadyHeight } from './steady-height.js';
import { TrackPath } from './track-path.js';
import type { Detection, TrackSnapshot } from './types.js';

/** 'tracked' covers unconfirmed (not yet activated) tracks as well, as in ByteTrack. */
export type TrackState = 'tracked' | 'lost' | 'removed';

const measurement = new Float64Array(4);

export class STrack {
  readonly mean = new Float64Array(8);
  readonly covariance = new Float64Array(64);
  state: TrackState = 'tracked';
  /** Activated: matched in minHits frames (or born in the stream's first frame). */
  confirmed = false;
  /** External id; 0 until confirmed. */
  id = 0;
  readonly classId: number;
  score: number;
  bestScore: number;
  hits = 1;
  readonly firstSeen: number;
  lastSeen: number;
  /** Frame counter values of the first and of the last matched frame (ByteTrack's start_frame / frame_id). */
  readonly startFrame: number;
  frameId: number;
  /** Kalman box of the current frame (after predict or update). */
  readonly box: Box = { x1: 0, y1: 0, x2: 0, y2: 0 };
  /** Kalman box of the last matched frame. */
  readonly lastBox: Box = { x1: 0, y1: 0, x2: 0, y2: 0 };
  readonly path = new TrackPath();
  /** Appearance: running average of matched detections' descriptors (unit length), if any. */
  feature: Float32Array | undefined;
  /** Box of the last matched detection. */
  readonly detBox: Box = { x1: 0, y1: 0, x2: 0, y2: 0 };
  /** Robust height of the recent observations (re-finding judges sizes and distances by it). */
  readonly steadyHeight = new SteadyHeight();
  /** Box of the detection that started the track. */
  readonly firstBox: Box;
  /** Velocity of the observed (detection) box centre, px per second, smoothed over about 0.5 s. */
  obsVx = 0;
  obsVy = 0;

  constructor(kf: KalmanFilter, det: Detection, t: number, frameId: number) {
    const b = det.box;
    kf.initiate(boxToXyah(b.x1, b.y1, b.x2, b.y2, measurement), this.mean, this.covariance);
    this.classId = det.classId;
    this.score = det.score;
    this.bestScore = det.score;
    this.firstSeen = t;
    this.lastSeen = t;
    this.firstBox = { x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
    this.startFrame = frameId;
    this.frameId = frameId;
    Object.assign(this.detBox, det.box);
    this.steadyHeight.add(t, b.y2 - b.y1, det.score);
    if (det.embedding) this.feature = Float32Array.from(det.embedding);
    this.matched(t);
  }

  /** Kalman predict over dt steps; like ByteTrack, a track that is not tracked gets its height velocity zeroed. */
  predict(kf: KalmanFilter, dt = 1): void {
    if (this.state !== 'tracked') this.mean[7] = 0;
    kf.predict(this.mean, this.covariance, dt);
    this.refreshBox();
  }

  /** Blends a detection's descriptor into the track's appearance (skipped for occluded detections). */
  updateFeature(e: Float32Array | undefined, momentum: number): void {
    if (!e) return;
    if (!this.feature) {
      this.feature = Float32Array.from(e);
      return;
    }
    const f = this.feature;
    let norm = 0;
    for (let k = 0; k < f.length; k++) {
      const v = momentum * f[k]! + (1 - momentum) * e[k]!;
      f[k] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < f.length; k++) f[k] = f[k]! / norm;
  }

  /** Associates a detection: Kalman update; re-activates a lost track (ByteTrack's update / re_activate). */
  update(kf: KalmanFilter, det: Detection, t: number, frameId: number, reupdate = false): void {
    const b = det.box;
    const wasLost = this.state !== 'tracked';
    const gap = t - this.lastSeen;
    if (gap > 0) {
      const p = this.detBox;
      const vx = ((b.x1 + b.x2 - p.x1 - p.x2) / 2) / gap;
      const vy = ((b.y1 + b.y2 - p.y1 - p.y2) / 2) / gap;
      const a = Math.min(1, gap / 0.5);
      this.obsVx += a * (vx - this.obsVx);
      this.obsVy += a * (vy - this.obsVy);
    }
    kf.update(this.mean, this.covariance, boxToXyah(b.x1, b.y1, b.x2, b.y2, measurement));
    // Observation-centric re-update (after OC-SORT): after a gap, the filter's velocity drifted
    // without observations; the observed velocity over the gap replaces it.
    if (reupdate && wasLost && gap > 0) {
      this.mean[4] = this.obsVx * KALMAN_STEP_SECONDS;
      this.mean[5] = this.obsVy * KALMAN_STEP_SECONDS;
    }
    this.state = 'tracked';
    this.score = det.score;
    if (det.score > this.bestScore) this.bestScore = det.score;
    this.hits++;
    this.lastSeen = t;
    this.frameId = frameId;
    Object.assign(this.detBox, det.box);
    this.steadyHeight.add(t, b.y2 - b.y1, det.score);
    this.matched(t);
  }

  /** Current state; `detectionBox` reports the last matched detection's box instead of the filter's. */
  snapshot(detectionBox = false): TrackSnapshot {
    const tracked = this.state === 'tracked';
    const b = detectionBox ? this.detBox : tracked ? this.box : this.lastBox;
    return {
      id: this.id,
      classId: this.classId,
      box: { x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 },
      score: this.score,
      state: tracked ? 'tracked' : 'lost',
      firstSeen: this.firstSeen,
      lastSeen: this.lastSeen,
      hits: this.hits,
    };
  }

  private matched(t: number): void {
    this.refreshBox();
    const b = this.box;
    const l = this.lastBox;
    l.x1 = b.x1;
    l.y1 = b.y1;
    l.x2 = b.x2;
    l.y2 = b.y2;
    this.path.add(t, (b.x1 + b.x2) / 2, b.y2);
  }

  /** tlwh from the mean, as ByteTrack's STrack.tlwh, stored as corners. */
  private refreshBox(): void {
    const m = this.mean;
    const h = m[3]!;
    const w = m[2]! * h;
    const x1 = m[0]! - w / 2;
    const y1 = m[1]! - h / 2;
    const b = this.box;
    b.x1 = x1;
    b.y1 = y1;
    b.x2 = x1 + w;
    b.y2 = y1 + h;
  }
}
