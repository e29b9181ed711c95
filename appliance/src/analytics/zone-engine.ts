/**
 * Zone and line analytics over tracked objects (pure logic, no I/O).
 *
 * Coordinates are normalised (0–1 of the frame's width and height, y growing downwards) and an
 * object's position is its box's bottom-centre, the foot point (see footPoint).
 *
 * Zones: a track counts as inside a zone after its foot point has been inside for `enterSeconds`
 * (from its first appearance inside to the present one) and at least `enterFrames` consecutive
 * appearances, and as outside again after `exitSeconds` and at least `exitFrames` appearances
 * outside (hysteresis, so a box jittering on the edge does not produce enter/exit pairs, and the same
 * walk gives the same visits at 5 or 25 fps). A visitor who steps out and back in before the exit is
 * confirmed continues the visit. With `zoneDepth` > 0 a foot point nearer to the zone's edge than that
 * many box sizes is in neither state. Updates in which a track is missing (occluded) count neither
 * way. A track whose class is not in the zone's `classes` counts as outside.
 *
 * Lines, DIRECTION CONVENTION: a line is directed from points[0] (a) to points[1] (b). Stand on a and
 * look at b, in the image as displayed (y grows downwards). Crossing from your LEFT side to your RIGHT
 * side is 'in'; from right to left is 'out'. Equivalently, with cross = (b − a) × (p − a)
 * = (bx − ax)(py − ay) − (by − ay)(px − ax), left is cross < 0 and right is cross > 0, and 'in' is
 * movement along (b − a) turned 90° clockwise on screen. Examples:
 *   a = (0, 0.5) → b = (1, 0.5) (pointing right): moving downwards across it (top → bottom) is 'in'.
 *   a = (0.5, 0) → b = (0.5, 1) (pointing down):  moving from right to left across it is 'in'.
 *   a = (0.5, 1) → b = (0.5, 0) (pointing up):    moving from left to right across it is 'in'.
 * Counting rules (tripwire.ts): a crossing is counted when the foot point was CLEARLY on one side
 * (at least `lineHysteresis` box sizes from the line; a point exactly on the line is never a side)
 * and is next clearly on the other, and the segment between those two points meets the line
 * SEGMENT (passing beyond either end does not count; passing exactly through an end does; an
 * occlusion gap or a jump between two detections still counts). Counts are per VISITOR — tracks
 * stitched into one person (visitors.ts) — AT MOST ONCE PER LINE AND DIRECTION, so an id change at
 * the line or a dither across it never counts twice.
 */
import { distanceToPolygonEdge, pointInPolygonFlat } from '../math/geometry.js';
import { tripwireEnd, tripwireStep } from './tripwire.js';
import { VisitorLinker, type Visitor } from './visitors.js';

export interface ZoneDef {
  id: string;
  name?: string;
  points: Array<[number, number]>;
  /** Class names counted in this zone; absent = all. */
  classes?: string[];
  /** Emit zone.loitering once per visit when the dwell exceeds this many seconds. */
  loiterSeconds?: number;
  /** Emit zone.crowded when the zone's occupancy reaches this (≥ 1), zone.clear when it falls to threshold − 2 (or 0). */
  crowdThreshold?: number;
}

export interface LineDef {
  id: string;
  name?: string;
  /** Directed a → b; see the direction convention at the top of this file. */
  points: [[number, number], [number, number]];
  /** Class names counted on this line; absent = all. */
  classes?: string[];
}

/** A confirmed track's foot point in NORMALISED coordinates. */
export interface TrackPoint {
  id: number;
  className: string;
  x: number;
  y: number;
  /** Box height, normalised (the scale for visit stitching and line hysteresis); optional. */
  h?: number;
  /** Box width, normalised (line hysteresis across vertical lines); optional, defaults to h. */
  w?: number;
}

export type AnalyticsEvent =
  | { type: 'zone.enter'; zone: string; trackId: number; className: string; t: number }
  | { type: 'zone.exit'; zone: string; trackId: number; className: string; t: number; dwellSeconds: number }
  | { type: 'zone.loitering'; zone: string; trackId: number; className: string; t: number; dwellSeconds: number }
  | { type: 'zone.crowded'; zone: string; t: number; occupancy: number; threshold: number }
  | { type: 'zone.clear'; zone: string; t: number; occupancy: number; threshold: number }
  | { type: 'line.cross'; line: string; trackId: number; className: string; t: number; direction: 'in' | 'out' };

export interface ZoneEngineOptions {
  /** Consecutive appearances inside before a track counts as inside (at least; default 3). */
  enterFrames: number;
  /** Consecutive appearances outside before a track counts as outside again (at least; default 3). */
  exitFrames: number;
  /**
   * Seconds from the first appearance inside before a track counts as inside (default 0: frames
   * only). The appliance passes its config (engines/zones.ts zoneTimingOptions: 0.3 s in, 0.5 s out,
   * at least 2 appearances), chosen on the bench-mot zone matrix (README, "Zone entries").
   */
  enterSeconds: number;
  /** Seconds from the first appearance outside before a track counts as outside again (default 0). */
  exitSeconds: number;
  /** Box sizes a foot point must be inside (outside) the zone's edge to count as inside (outside); 0 off. */
  zoneDepth: number;
  /**
   * Visitors (visitors.ts): a new track id continues the person of a track that vanished no more
   * than `stitchSeconds` earlier within `stitchHeights` box heights of where it was or was heading.
   * This absorbs the tracker losing a person behind someone and picking them up again under a new
   * id: line counts are per visitor, and a visitor's new track that enters a zone its former track
   * was inside continues that visit instead of counting a new entry. Measured in box heights so it
   * means the same at any distance from the camera (default 0.7 s, 0.4 heights; 0 off). Chosen
   * on the bench-mot matrix: a longer window or a wider gate merges different people who pass
   * close by one another (TUD-Campus at 8–12 fps: 6 visitors for 8 people), a shorter or narrower
   * one splits people the tracker lost for a moment (see README, "Counting").
   */
  stitchSeconds: number;
  stitchHeights: number;
  /** Line hysteresis: clearly on a side = at least this many box sizes from the line (default 0.2). */
  lineHysteresis: number;
}

export const DEFAULT_ZONE_ENGINE_OPTIONS: Readonly<ZoneEngineOptions> = Object.freeze({
  enterFrames: 3,
  exitFrames: 3,
  enterSeconds: 0,
  exitSeconds: 0,
  zoneDepth: 0,
  stitchSeconds: 0.7,
  stitchHeights: 0.4,
  lineHysteresis: 0.2,
});

/** Normalised bottom-centre (foot point) of a pixel box in a width × height frame, clamped to [0, 1]. */
export function footPoint(box: { x1: number; y1: number; x2: number; y2: number }, width: number, height: number): [number, number] {
  const x = (box.x1 + box.x2) / 2 / width;
  const y = box.y2 / height;
  return [clamp01(x), clamp01(y)];
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

interface Zone {
  id: string;
  flat: Float64Array;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  classes: ReadonlySet<string> | undefined;
  /** NaN when not set. */
  loiterSeconds: number;
  /** 0 when not set. */
  crowdThreshold: number;
  /** Occupancy falls to this or lower: clear. */
  clearAt: number;
  crowded: boolean;
  total: number;
  byClass: Map<string, number>;
}

interface Line {
  id: string;
  ax: number;
  ay: number;
  bx: number;
  by: number;
  classes: ReadonlySet<string> | undefined;
}

/** Per-track state; arrays indexed by zone / line index. */
interface TrackState {
  id: number;
  /** Update counter when last seen (ignores a duplicate id within one update). */
  seenAt: number;
  /** Class name when last seen. */
  cls: string;
  /** Zone: confirmed inside. */
  zIn: Uint8Array;
  /** Zone: consecutive appearances contradicting zIn (inside while out, outside while in). */
  zStreak: Int32Array;
  /** Zone: time of the first appearance of the current streak. */
  zStreakT: Float64Array;
  /** Zone: entry time of the open visit. */
  zEntryT: Float64Array;
  /** Zone: loitering already reported for the open visit. */
  zLoitered: Uint8Array;
  /** Zone: class the open visit is counted under. */
  zClass: string[];
}

export class ZoneEngine {
  private readonly zones: Zone[];
  private readonly lines: Line[];
  private readonly enterFrames: number;
  private readonly exitFrames: number;
  private readonly enterSeconds: number;
  private readonly exitSeconds: number;
  private readonly zoneDepth: number;
  private readonly lineHysteresis: number;
  private readonly visitors: VisitorLinker;
  private readonly tracks = new Map<number, TrackState>();
  private updates = 0;
  /** Visitors that appeared since the last drainNewVisitors: when, and the class of their first track. */
  private newVisitors: Array<{ t: number; className: string }> = [];

  constructor(zones: ZoneDef[], lines: LineDef[], opts: Partial<ZoneEngineOptions> = {}) {
    this.enterFrames = frames('enterFrames', opts.enterFrames ?? DEFAULT_ZONE_ENGINE_OPTIONS.enterFrames);
    this.exitFrames = frames('exitFrames', opts.exitFrames ?? DEFAULT_ZONE_ENGINE_OPTIONS.exitFrames);
    this.enterSeconds = nonNegative('enterSeconds', opts.enterSeconds ?? DEFAULT_ZONE_ENGINE_OPTIONS.enterSeconds);
    this.exitSeconds = nonNegative('exitSeconds', opts.exitSeconds ?? DEFAULT_ZONE_ENGINE_OPTIONS.exitSeconds);
    this.zoneDepth = nonNegative('zoneDepth', opts.zoneDepth ?? DEFAULT_ZONE_ENGINE_OPTIONS.zoneDepth);
    this.lineHysteresis = Math.max(0, opts.lineHysteresis ?? DEFAULT_ZONE_ENGINE_OPTIONS.lineHysteresis);
    this.visitors = new VisitorLinker(
      Math.max(0, opts.stitchSeconds ?? DEFAULT_ZONE_ENGINE_OPTIONS.stitchSeconds),
      Math.max(0, opts.stitchHeights ?? DEFAULT_ZONE_ENGINE_OPTIONS.stitchHeights),
      lines.length,
    );
    this.zones = zones.map((z) => {
      const flat = new Float64Array(z.points.length * 2);
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      z.points.forEach(([x, y], i) => {
        flat[2 * i] = x;
        flat[2 * i + 1] = y;
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      });
      const threshold = z.crowdThreshold !== undefined && Number.isFinite(z.crowdThreshold) && z.crowdThreshold >= 1 ? z.crowdThreshold : 0;
      return {
        id: z.id,
        flat,
        minX,
        minY,
        maxX,
        maxY,
        classes: z.classes ? new Set(z.classes) : undefined,
        loiterSeconds: z.loiterSeconds !== undefined && Number.isFinite(z.loiterSeconds) && z.loiterSeconds >= 0 ? z.loiterSeconds : NaN,
        crowdThreshold: threshold,
        clearAt: Math.max(0, threshold - 2),
        crowded: false,
        total: 0,
        byClass: new Map(),
      };
    });
    this.lines = lines.map((l) => ({
      id: l.id,
      ax: l.points[0][0],
      ay: l.points[0][1],
      bx: l.points[1][0],
      by: l.points[1][1],
      classes: l.classes ? new Set(l.classes) : undefined,
    }));
  }

  /**
   * One frame: all confirmed tracks currently visible (tracks absent from the list are not in any
   * zone this frame and count neither way). t in seconds. Events come per track in list order
   * (its zones in definition order, then its lines), then crowd transitions in zone order.
   */
  update(tracks: TrackPoint[], t: number): AnalyticsEvent[] {
    const events: AnalyticsEvent[] = [];
    const seq = ++this.updates;
    const zones = this.zones;
    const lines = this.lines;
    const nz = zones.length;
    const nl = lines.length;
    for (const tp of tracks) this.visitors.mark(tp.id, seq);
    for (const tp of tracks) {
      const x = tp.x;
      const y = tp.y;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue; // no position: as if not seen
      let st = this.tracks.get(tp.id);
      if (st === undefined) {
        st = this.newTrack(tp.id);
        this.tracks.set(tp.id, st);
      } else if (st.seenAt === seq) {
        continue; // the same id twice in one update
      }
      st.seenAt = seq;
      const cls = tp.className;
      st.cls = cls;
      const h = tp.h !== undefined && Number.isFinite(tp.h) && tp.h > 0 ? tp.h : 0;
      const w = tp.w !== undefined && Number.isFinite(tp.w) && tp.w > 0 ? tp.w : h;
      const known = this.visitors.count;
      const visitor = this.visitors.see(tp.id, x, y, h, t, seq);
      if (this.visitors.count > known) this.newVisitors.push({ t, className: cls });

      for (let k = 0; k < nz; k++) {
        const z = zones[k]!;
        const inside =
          x >= z.minX - 1e-12 &&
          x <= z.maxX + 1e-12 &&
          y >= z.minY - 1e-12 &&
          y <= z.maxY + 1e-12 &&
          (z.classes === undefined || z.classes.has(cls)) &&
          pointInPolygonFlat(x, y, z.flat);
        if (this.zoneDepth > 0 && h > 0 && distanceToPolygonEdge(x / w, y / h, z.flat, w, h) < this.zoneDepth) {
          // Too near the edge to tell: neither way, like a missing appearance.
          if (st.zIn[k] !== 0) this.checkLoiter(z, st, k, t, events);
          continue;
        }
        if (st.zIn[k] === 0) {
          if (!inside) {
            st.zStreak[k] = 0;
            continue;
          }
          if (st.zStreak[k] === 0) st.zStreakT[k] = t;
          const n = ++st.zStreak[k]!;
          if (n < this.enterFrames || t - st.zStreakT[k]! < this.enterSeconds - 1e-9) continue;
          const entryT = st.zStreakT[k]!;
          st.zIn[k] = 1;
          st.zStreak[k] = 0;
          const orphan = this.orphanVisit(k, cls, visitor, seq);
          if (orphan) {
            // The same person under a new id: the visit (and the occupancy count) carries over.
            st.zEntryT[k] = orphan.zEntryT[k]!;
            st.zLoitered[k] = orphan.zLoitered[k]!;
            st.zClass[k] = orphan.zClass[k]!;
            orphan.zIn[k] = 0;
          } else {
            st.zEntryT[k] = entryT;
            st.zLoitered[k] = 0;
            st.zClass[k] = cls;
            z.total++;
            z.byClass.set(cls, (z.byClass.get(cls) ?? 0) + 1);
            events.push({ type: 'zone.enter', zone: z.id, trackId: tp.id, className: cls, t: entryT });
          }
          this.checkLoiter(z, st, k, t, events);
        } else if (inside) {
          st.zStreak[k] = 0;
          this.checkLoiter(z, st, k, t, events);
        } else {
          if (st.zStreak[k] === 0) st.zStreakT[k] = t;
          const n = ++st.zStreak[k]!;
          if (n >= this.exitFrames && t - st.zStreakT[k]! >= this.exitSeconds - 1e-9) events.push(this.closeVisit(z, st, k, st.zStreakT[k]!));
        }
      }

      for (let k = 0; k < nl; k++) {
        const l = lines[k]!;
        if (l.classes !== undefined && !l.classes.has(cls)) continue;
        const direction = tripwireStep(l, visitor.lines[k]!, x, y, w, h, this.lineHysteresis, t);
        if (direction !== undefined) events.push({ type: 'line.cross', line: l.id, trackId: tp.id, className: cls, t, direction });
      }
    }
    this.checkCrowds(t, events);
    return events;
  }

  /** The open visit of zone k of a former track of this visitor that is no longer seen, if any. */
  private orphanVisit(k: number, cls: string, visitor: Visitor, seq: number): TrackState | undefined {
    for (let i = visitor.formerTracks.length - 1; i >= 0; i--) {
      const o = this.tracks.get(visitor.formerTracks[i]!);
      if (o !== undefined && o.zIn[k] === 1 && o.seenAt < seq - 1 && o.zClass[k] === cls) return o;
    }
    return undefined;
  }

  /**
   * A track ended (left the scene): closes its open visits now, without waiting for hysteresis, and
   * forgets the track. The exit time is t, or the first outside appearance when the track was already
   * counting down to an exit. Pass the track's last-seen time as t for the most faithful dwell.
   */
  endTrack(trackId: number, t: number): AnalyticsEvent[] {
    const st = this.tracks.get(trackId);
    const events: AnalyticsEvent[] = [];
    if (st !== undefined) this.leaveLines(st, t, events);
    this.visitors.end(trackId);
    if (st === undefined) return [];
    this.closeAll(st, t, events);
    this.tracks.delete(trackId);
    this.checkCrowds(t, events);
    return events;
  }

  /** Closes every open visit (stream stopped) as endTrack does for each track, and forgets all tracks. */
  flush(t: number): AnalyticsEvent[] {
    const events: AnalyticsEvent[] = [];
    for (const st of this.tracks.values()) {
      this.leaveLines(st, t, events);
      this.closeAll(st, t, events);
    }
    this.tracks.clear();
    this.visitors.clear();
    this.checkCrowds(t, events);
    return events;
  }

  /** Current occupancy: zone id → class name → count of tracks inside (hysteresis-confirmed). Every zone is listed; classes with 0 are not. */
  occupancy(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const z of this.zones) {
      const byClass: Record<string, number> = out[z.id] ?? {};
      for (const [cls, n] of z.byClass) if (n > 0) byClass[cls] = (byClass[cls] ?? 0) + n;
      out[z.id] = byClass;
    }
    return out;
  }

  /** Distinct visitors (tracks stitched into people) seen so far. */
  get visitorCount(): number {
    return this.visitors.count;
  }

  /** The visitors that appeared since the previous call (time of their first sighting, class of their first track). */
  drainNewVisitors(): Array<{ t: number; className: string }> {
    const out = this.newVisitors;
    this.newVisitors = [];
    return out;
  }

  /** Number of tracks with state held (for tests and metrics). */
  get trackCount(): number {
    return this.tracks.size;
  }

  private newTrack(id: number): TrackState {
    const nz = this.zones.length;
    return {
      id,
      seenAt: 0,
      cls: '',
      zIn: new Uint8Array(nz),
      zStreak: new Int32Array(nz),
      zStreakT: new Float64Array(nz),
      zEntryT: new Float64Array(nz),
      zLoitered: new Uint8Array(nz),
      zClass: new Array<string>(nz).fill(''),
    };
  }

  private checkLoiter(z: Zone, st: TrackState, k: number, t: number, events: AnalyticsEvent[]): void {
    if (st.zLoitered[k] !== 0 || Number.isNaN(z.loiterSeconds)) return;
    const dwell = t - st.zEntryT[k]!;
    if (dwell > z.loiterSeconds) {
      st.zLoitered[k] = 1;
      events.push({ type: 'zone.loitering', zone: z.id, trackId: st.id, className: st.zClass[k]!, t, dwellSeconds: dwell });
    }
  }

  /** Ends the open visit of track st in zone k at time exitT. */
  private closeVisit(z: Zone, st: TrackState, k: number, exitT: number): AnalyticsEvent {
    const cls = st.zClass[k]!;
    const entryT = st.zEntryT[k]!;
    st.zIn[k] = 0;
    st.zStreak[k] = 0;
    z.total--;
    const left = (z.byClass.get(cls) ?? 1) - 1;
    if (left > 0) z.byClass.set(cls, left);
    else z.byClass.delete(cls);
    return { type: 'zone.exit', zone: z.id, trackId: st.id, className: cls, t: exitT, dwellSeconds: Math.max(0, exitT - entryT) };
  }

  /** The track of `st` ends: crossings its visitor had begun count when it was walking through (tripwireEnd). */
  private leaveLines(st: TrackState, t: number, events: AnalyticsEvent[]): void {
    const v = this.visitors.carriedBy(st.id);
    if (v === undefined) return;
    for (let k = 0; k < this.lines.length; k++) {
      const l = this.lines[k]!;
      if (l.classes !== undefined && !l.classes.has(st.cls)) continue;
      const direction = tripwireEnd(l, v.lines[k]!, v.vx, v.vy, Math.min(t, v.lastT));
      if (direction !== undefined) events.push({ type: 'line.cross', line: l.id, trackId: st.id, className: st.cls, t, direction });
    }
  }

  private closeAll(st: TrackState, t: number, events: AnalyticsEvent[]): void {
    for (let k = 0; k < this.zones.length; k++) {
      if (st.zIn[k] === 0) continue;
      const exitT = st.zStreak[k]! > 0 ? Math.min(t, st.zStreakT[k]!) : t;
      events.push(this.closeVisit(this.zones[k]!, st, k, exitT));
    }
  }

  private checkCrowds(t: number, events: AnalyticsEvent[]): void {
    for (const z of this.zones) {
      if (z.crowdThreshold === 0) continue;
      if (!z.crowded && z.total >= z.crowdThreshold) {
        z.crowded = true;
        events.push({ type: 'zone.crowded', zone: z.id, t, occupancy: z.total, threshold: z.crowdThreshold });
      } else if (z.crowded && z.total <= z.clearAt) {
        z.crowded = false;
        events.push({ type: 'zone.clear', zone: z.id, t, occupancy: z.total, threshold: z.crowdThreshold });
      }
    }
  }
}

function frames(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer ≥ 1 (got ${v})`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a number ≥ 0 (got ${v})`);
  return v;
}
