import type { CameraTracker } from '../src/track/camera-tracker.js';
import type { TrackEvent, TrackerUpdate, TrackSnapshot } from '../src/track/types.js';

export interface ReplayFrame {
  /** Frame time, ms. */
  timeMs: number;
  tracks: Array<{ id: number; classId?: number; box: TrackSnapshot['box'] }>;
}

/**
 * A tracker that replays known tracks (ground truth, or a synthetic stream) for the frame processor:
 * each frame's tracks are the ones given for its time, and a track ends (track.end) on the first
 * frame after its last appearance, or when the stream is flushed. It stands where the ByteTrack
 * tracker stands, so everything after it (analytics, the store) runs as it does live.
 */
export class ReplayTracker implements Pick<CameraTracker, 'update' | 'flush'> {
  private readonly byTime = new Map<number, ReplayFrame['tracks']>();
  private readonly last = new Map<number, number>();
  private readonly open = new Map<number, TrackSnapshot>();

  constructor(frames: readonly ReplayFrame[]) {
    for (const f of frames) {
      this.byTime.set(f.timeMs, f.tracks);
      for (const t of f.tracks) this.last.set(t.id, Math.max(this.last.get(t.id) ?? -Infinity, f.timeMs));
    }
  }

  update(f: { timeMs: number }): TrackerUpdate {
    const t = f.timeMs / 1000;
    const events: TrackEvent[] = [];
    for (const [id, snap] of this.open) {
      if ((this.last.get(id) ?? -Infinity) < f.timeMs) events.push(this.end(id, snap));
    }
    const tracks: TrackSnapshot[] = [];
    for (const tr of this.byTime.get(f.timeMs) ?? []) {
      const prev = this.open.get(tr.id);
      const snap: TrackSnapshot = { id: tr.id, classId: tr.classId ?? 0, box: tr.box, score: 1, state: 'tracked', firstSeen: prev?.firstSeen ?? t, lastSeen: t, hits: (prev?.hits ?? 0) + 1 };
      this.open.set(tr.id, snap);
      tracks.push(snap);
    }
    return { tracks, events };
  }

  flush(): TrackEvent[] {
    return [...this.open].map(([id, snap]) => this.end(id, snap));
  }

  private end(id: number, snap: TrackSnapshot): TrackEvent {
    this.open.delete(id);
    return { type: 'track.end', track: { ...snap, state: 'lost' }, t: snap.lastSeen, bestScore: 1, pathLength: 0, path: [] };
  }
}
