/** Public types of the multi-object tracker. */
import type { Box } from '../math/box.js';

export interface Detection {
  box: Box;
  score: number;
  classId: number;
  /** Appearance descriptor (see appearance.ts); optional, used for re-identification when present. */
  embedding?: Float32Array | undefined;
}

export interface TrackerOptions {
  /** Detections at or above go to the first association. */
  highThresh: number;
  /** Detections in [lowThresh, highThresh) go to the second association; below are dropped. */
  lowThresh: number;
  /** Unmatched high detections at or above start a track. */
  newTrackThresh: number;
  /** Max cost (1 − IoU, score-fused when fuseScore) in the first association. */
  matchThresh: number;
  /** Max cost (plain 1 − IoU) in the low-score association (ByteTrack's fixed 0.5). */
  secondMatchThresh: number;
  /** Max cost when matching unconfirmed tracks to the leftover high detections. */
  unconfirmedMatchThresh: number;
  /** Cost = 1 − IoU·score in the first and unconfirmed associations. */
  fuseScore: boolean;
  /** Lost tracks not seen for longer than this (seconds) are removed. */
  trackBufferSeconds: number;
  /** Frames with a matched detection before a track is confirmed and gets an external id. */
  minHits: number;
  /** A tracked/lost pair of one class with IoU above this is a duplicate; the lost one goes. */
  duplicateIou: number;
  /** Weight of the appearance distance added to the motion (IoU) cost; 0 disables appearance. */
  appearanceWeight: number;
  /** Appearance distance above which a pair is not the same object (unless boxes overlap strongly). */
  appearanceGate: number;
  /** EMA factor of a track's appearance (weight of the old descriptor). */
  appearanceMomentum: number;
  /** Box reported for a tracked track: the matched detection's, or the Kalman-filtered one. */
  outputBox: 'detection' | 'filtered';
  /**
   * Re-activation after occlusion (recovery.ts): gate radius in box heights per second of absence
   * for matching unmatched tracks to unmatched confident detections by position and appearance; 0 off.
   */
  recoverHeightsPerSecond: number;
  /** Appearance distance above which re-activation refuses a detection (stricter than appearanceGate). */
  recoverAppearanceGate: number;
  /** Observation-centric re-update: a re-found track takes the velocity observed across its gap. */
  reupdate: boolean;
  /** Direction consistency (OC-SORT): weight of the heading angle (0–1 of π) in the first association; 0 off. */
  directionWeight: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = Object.freeze({
  highThresh: 0.5,
  lowThresh: 0.1,
  newTrackThresh: 0.6,
  matchThresh: 0.8,
  secondMatchThresh: 0.5,
  unconfirmedMatchThresh: 0.7,
  fuseScore: true,
  trackBufferSeconds: 1.2,
  minHits: 2,
  duplicateIou: 0.85,
  appearanceWeight: 1,
  appearanceGate: 0.15,
  appearanceMomentum: 0.9,
  outputBox: 'detection',
  recoverHeightsPerSecond: 1,
  recoverAppearanceGate: 0.15,
  reupdate: true,
  directionWeight: 0,
});

export interface TrackSnapshot {
  /** External id (from allocateId). */
  id: number;
  classId: number;
  /** Kalman-filtered box: of the current frame while tracked, of the last matched frame once lost. */
  box: Box;
  /** Score of the last matched detection. */
  score: number;
  state: 'tracked' | 'lost';
  /** Time of the detection that started the track (seconds). */
  firstSeen: number;
  /** Time of the last matched detection (seconds). */
  lastSeen: number;
  /** Frames with a matched detection, the first one included. */
  hits: number;
}

export type TrackEvent =
  | {
      type: 'track.new';
      track: TrackSnapshot;
      t: number;
      /** The detection that started the track (at track.firstSeen), before it was confirmed. */
      firstBox: Box;
    }
  | { type: 'track.lost'; track: TrackSnapshot; t: number }
  | {
      type: 'track.end';
      track: TrackSnapshot;
      t: number;
      bestScore: number;
      /** Length in pixels of the foot-point (bottom-centre) path over every matched frame. */
      pathLength: number;
      /** [t, footX, footY], down-sampled to about one point per 0.5 s, last point always kept. */
      path: Array<[number, number, number]>;
    };

export interface TrackerUpdate {
  /** Confirmed tracks updated by a detection this frame (the 'track.update' set). */
  tracks: TrackSnapshot[];
  events: TrackEvent[];
}
