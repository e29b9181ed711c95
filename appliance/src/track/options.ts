import type { TrackerConfig } from '../config/schema.js';
import type { TrackerOptions } from './types.js';

/** Config (snake_case, validated) → tracker options. */
export function trackerOptions(c: TrackerConfig): TrackerOptions {
  return {
    highThresh: c.high_threshold,
    lowThresh: c.low_threshold,
    newTrackThresh: c.new_track_threshold,
    matchThresh: c.match_threshold,
    secondMatchThresh: c.low_match_threshold,
    unconfirmedMatchThresh: c.unconfirmed_match_threshold,
    fuseScore: c.fuse_score,
    trackBufferSeconds: c.track_buffer_seconds,
    minHits: c.min_hits,
    duplicateIou: c.duplicate_iou,
    appearanceWeight: c.appearance_weight,
    appearanceGate: c.appearance_gate,
    appearanceMomentum: 0.9,
    outputBox: c.output_box,
    recoverHeightsPerSecond: c.recover_heights_per_second,
    recoverAppearanceGate: c.recover_appearance_gate,
    reupdate: c.reupdate,
    directionWeight: c.direction_weight,
  };
}
