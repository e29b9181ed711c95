/**
 * Visitors: a person's tracklets stitched into one identity, online. The tracker may lose a person
 * behind someone and find them again under a new track id; reports should count people, not
 * tracks. A track id seen for the first time continues the visitor of a track that vanished (is
 * not in the current update — see `mark` — or ended) no more than `seconds` earlier, whose foot
 * point — where it was last seen, or where it was heading at its walking velocity — is within
 * `heights` box heights, and no further than a person could have strayed from that in the time it
 * was gone (GATE_HEIGHTS + GATE_HEIGHTS_PER_SECOND × the gap: a box's own jitter, plus a change of
 * pace or direction), and whose box height is similar (within a factor 1.6). The nearest such
 * visitor wins. So a track that is missing for a single frame is not handed to a new track half a
 * body away (someone else, born next to it), while one gone for half a second still can be.
 * Distances are in box heights, so they mean the same near and far from the camera, and the window
 * is in seconds, so it holds at any frame rate.
 *
 * A visitor carries the per-line tripwire state (see tripwire.ts), so an id change at a line counts
 * once. Positions are normalised (0–1), y downwards.
 */
import { newTripwireState, type TripwireState } from './tripwire.js';

export interface Visitor {
  id: number;
  /** Track id currently carrying the visitor. */
  track: number;
  /** Track ids that carried it before, oldest first (the last few). */
  formerTracks: number[];
  /** Update counter when last seen. */
  seenAt: number;
  lastT: number;
  x: number;
  y: number;
  h: number;
  /** Foot-point velocity, normalised units per second (smoothed). */
  vx: number;
  vy: number;
  /** The carrying track ended (it will not come back under its id). */
  ended: boolean;
  lines: TripwireState[];
}

/** Visitors no longer seen are forgotten after this long even if their track never ended. */
const FORGET_SECONDS = 120;
const MAX_SIZE_RATIO = 1.6;
/** The stitching radius right after a track vanished, in box heights … */
const GATE_HEIGHTS = 0.15;
/** … growing by this many box heights per second it stays away (up to `heights`). */
const GATE_HEIGHTS_PER_SECOND = 1;
const MAX_FORMER_TRACKS = 8;

export class VisitorLinker {
  private readonly byTrack = new Map<number, Visitor>();
  /** Visitors whose track is not currently carrying them (missing or ended), stitchable. */
  private readonly all = new Set<Visitor>();
  private nextId = 1;
  private lastSweep = -Infinity;

  constructor(
    private readonly seconds: number,
    private readonly heights: number,
    private readonly lineCount: number,
  ) {}

  /** Distinct visitors so far. */
  get count(): number {
    return this.nextId - 1;
  }

  /** Visitors currently held (for tests and metrics). */
  get size(): number {
    return this.all.size;
  }

  /** Marks the visitor of `trackId` as present in update `seq` (call for every track before `see`). */
  mark(trackId: number, seq: number): void {
    const v = this.byTrack.get(trackId);
    if (v !== undefined && v.track === trackId) v.seenAt = seq;
  }

  /** The visitor of `trackId` at this update (`seq`), stitching a new track id to a vanished visitor. */
  see(trackId: number, x: number, y: number, h: number, t: number, seq: number): Visitor {
    let v = this.byTrack.get(trackId);
    if (v !== undefined && v.track !== trackId) v = undefined;
    if (v === undefined) {
      const formerly = this.byTrack.get(trackId);
      v = this.stitch(x, y, h, t, seq);
      if (v === undefined) {
        v = this.create(trackId, x, y, h, t);
        // A track that comes back after its visitor moved on to another track: a new visitor that
        // keeps what was already counted for the old one, so nothing is counted twice.
        if (formerly !== undefined) v.lines = formerly.lines.map((s) => ({ ...s }));
      } else {
        // The old track's id keeps pointing here, so if it ever comes back it is recognised.
        v.formerTracks.push(v.track);
        if (v.formerTracks.length > MAX_FORMER_TRACKS) v.formerTracks.shift();
        v.track = trackId;
        v.ended = false;
      }
      this.byTrack.set(trackId, v);
    } else if (t > v.lastT) {
      const dt = t - v.lastT;
      const a = Math.min(1, dt / 0.5); // smoothing over about half a second of motion
      v.vx += a * ((x - v.x) / dt - v.vx);
      v.vy += a * ((y - v.y) / dt - v.vy);
    }
    v.seenAt = seq;
    v.lastT = t;
    v.x = x;
    v.y = y;
    if (h > 0) v.h = h;
    this.sweep(t);
    return v;
  }

  /** The visitor `trackId` currently carries, if any. */
  carriedBy(trackId: number): Visitor | undefined {
    const v = this.byTrack.get(trackId);
    return v !== undefined && v.track === trackId ? v : undefined;
  }

  /** The track ended: its visitor stays stitchable for `seconds`, then is forgotten. */
  end(trackId: number): void {
    const v = this.carriedBy(trackId);
    if (v !== undefined) v.ended = true;
    this.byTrack.delete(trackId);
  }

  clear(): void {
    this.byTrack.clear();
    this.all.clear();
  }

  private create(trackId: number, x: number, y: number, h: number, t: number): Visitor {
    const v: Visitor = {
      id: this.nextId++,
      track: trackId,
      formerTracks: [],
      seenAt: 0,
      lastT: t,
      x,
      y,
      h,
      vx: 0,
      vy: 0,
      ended: false,
      lines: Array.from({ length: this.lineCount }, newTripwireState),
    };
    this.all.add(v);
    return v;
  }

  private stitch(x: number, y: number, h: number, t: number, seq: number): Visitor | undefined {
    if (this.seconds <= 0 || this.heights <= 0 || !(h > 0)) return undefined;
    let best: Visitor | undefined;
    let bestD = Infinity;
    for (const v of this.all) {
      const gap = t - v.lastT;
      if (v.seenAt >= seq || gap > this.seconds || gap < 0 || !(v.h > 0)) continue;
      const ratio = h / v.h;
      if (ratio > MAX_SIZE_RATIO || ratio < 1 / MAX_SIZE_RATIO) continue;
      const d = Math.min(Math.hypot(x - v.x, y - v.y), Math.hypot(x - v.x - v.vx * gap, y - v.y - v.vy * gap));
      const scale = Math.max(h, v.h);
      const radius = Math.min(this.heights, GATE_HEIGHTS + GATE_HEIGHTS_PER_SECOND * gap);
      if (d <= radius * scale && d < bestD) {
        bestD = d;
        best = v;
      }
    }
    return best;
  }

  /** Forgets visitors that can no longer be stitched (at most once per second of stream time). */
  private sweep(t: number): void {
    if (t - this.lastSweep < 1) return;
    this.lastSweep = t;
    for (const v of this.all) {
      const gap = t - v.lastT;
      if ((v.ended && gap > this.seconds) || gap > Math.max(this.seconds, FORGET_SECONDS)) {
        this.all.delete(v);
      }
    }
    for (const [trackId, v] of this.byTrack) if (!this.all.has(v)) this.byTrack.delete(trackId);
  }
}
