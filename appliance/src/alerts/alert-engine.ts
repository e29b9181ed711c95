import type { ApplianceEvent } from '../events.js';
import type { FiringDetails } from './messages.js';
import { withinHours, type AlertRule } from './rules.js';
import type { AreaLive } from '../analytics/area-occupancy.js';
import type { QueueLive } from '../analytics/queue-monitor.js';

export interface EngineCamera {
  id: string;
  name: string;
  status: string;
}

export interface EngineInputs {
  cameras(): EngineCamera[];
  /** zone → class → count, now. */
  occupancy(camera: string): Record<string, Record<string, number>>;
  /** Wall-clock ms. */
  now(): number;
  /** IANA zone for rule hours ('' = the box's). */
  timezone(): string;
  /** The camera's engines' live figures by engine name (queues, occupancy, speed …); none when absent. */
  analytics?(camera: string): Record<string, unknown>;
}

export interface Firing {
  rule: AlertRule;
  details: FiringDetails;
  /** Wall-clock ms. */
  at: number;
}

interface RuleState {
  /** occupancy: since when the count has been above the limit (ms); camera_offline: since when down. */
  since?: number;
  /** Fired for the current episode (occupancy above, camera down); re-armed when it ends. */
  latched?: boolean;
  /** loitering: open visits, track id → entry frame time (s). */
  visits?: Map<number, number>;
  /** loitering: tracks already reported. */
  reported?: Set<number>;
  /** line_count: crossing frame times (s) inside the window. */
  crossings?: number[];
}

const DOWN = new Set(['offline', 'stalled']);

/**
 * Evaluates alert rules over the live event stream and a one-second tick. Each rule keeps its state
 * per camera; a firing starts the rule's cooldown for that camera, during which further firings are
 * counted as suppressed instead of returned.
 */
export class AlertEngine {
  private rules: AlertRule[] = [];
  private state = new Map<string, RuleState>();
  private lastFired = new Map<string, number>();
  /** Latest frame time per camera (s), the clock of loitering. */
  private frameTime = new Map<string, number>();
  suppressed = 0;

  constructor(private readonly inputs: EngineInputs) {}

  /** Replaces the rule set; a changed or removed rule loses its state and cooldown. */
  setRules(rules: AlertRule[]): void {
    const keep = new Set(rules.map((r) => `${r.id}@${r.updated_at}`));
    for (const r of this.rules) {
      if (keep.has(`${r.id}@${r.updated_at}`)) continue;
      for (const k of [...this.state.keys()]) if (k.startsWith(`${r.id}|`)) this.state.delete(k);
      for (const k of [...this.lastFired.keys()]) if (k.startsWith(`${r.id}|`)) this.lastFired.delete(k);
    }
    this.rules = rules.filter((r) => r.enabled);
  }

  onEvent(e: ApplianceEvent): Firing[] {
    if (!('camera' in e)) return [];
    const cam = this.inputs.cameras().find((c) => c.id === e.camera);
    if (!cam) return []; // sessions and unknown sources do not alert
    if (e.type === 'track.update') {
      this.frameTime.set(cam.id, e.t);
      return [];
    }
    const out: Firing[] = [];
    for (const rule of this.rules) {
      if (rule.camera && rule.camera !== cam.id) continue;
      const st = this.stateOf(rule, cam.id);
      if (rule.type === 'loitering' && (e.type === 'zone.enter' || e.type === 'zone.exit') && e.zone === rule.zone && (!rule.class || rule.class === e.className)) {
        st.visits ??= new Map();
        if (e.type === 'zone.enter') st.visits.set(e.trackId, e.t);
        else {
          st.visits.delete(e.trackId);
          st.reported?.delete(e.trackId);
        }
      } else if (rule.type === 'line_count' && e.type === 'line.cross' && e.line === rule.line && (!rule.class || rule.class === e.className) && (!rule.direction || rule.direction === e.direction)) {
        const list = (st.crossings ??= []);
        list.push(e.t);
        while (list.length && list[0]! <= e.t - rule.window_seconds) list.shift();
        if (list.length > rule.over) {
          const f = this.fire(rule, cam, { line: rule.line, count: list.length, seconds: rule.window_seconds, trackId: e.trackId, ...(rule.class ? { className: rule.class } : {}) });
          if (f) {
            out.push(f);
            st.crossings = [];
          }
        }
      } else if (rule.type === 'presence' && e.type === 'zone.enter' && e.zone === rule.zone && rule.class === e.className) {
        if (withinHours(this.inputs.now(), rule.during, this.inputs.timezone())) {
          const f = this.fire(rule, cam, { zone: rule.zone, className: e.className, trackId: e.trackId });
          if (f) out.push(f);
        }
      }
    }
    return out;
  }

  /** Time-based conditions: occupancy held for a duration, loitering, cameras down. */
  tick(): Firing[] {
    const now = this.inputs.now();
    const out: Firing[] = [];
    const cams = this.inputs.cameras();
    for (const rule of this.rules) {
      for (const cam of cams) {
        if (rule.camera && rule.camera !== cam.id) continue;
        const st = this.stateOf(rule, cam.id);
        let f: Firing | undefined;
        if (rule.type === 'occupancy') {
          const byClass = this.inputs.occupancy(cam.id)[rule.zone];
          if (!byClass) continue;
          const n = rule.class ? (byClass[rule.class] ?? 0) : Object.values(byClass).reduce((a, b) => a + b, 0);
          const held = heldFor(st, n > rule.above, now, rule.for_seconds);
          if (held !== undefined) f = this.fire(rule, cam, { zone: rule.zone, count: n, seconds: held, ...(rule.class ? { className: rule.class } : {}) });
        } else if (rule.type === 'queue_length' || rule.type === 'queue_wait' || rule.type === 'capacity' || rule.type === 'speeding') {
          f = this.liveRule(rule, cam, st, now, cams);
        } else if (rule.type === 'camera_offline') {
          const held = heldFor(st, DOWN.has(cam.status), now, rule.over_seconds);
          if (held !== undefined) f = this.fire(rule, cam, { seconds: held });
        } else if (rule.type === 'loitering' && st.visits?.size) {
          const t = this.frameTime.get(cam.id);
          if (t === undefined) continue;
          st.reported ??= new Set();
          for (const [track, since] of st.visits) {
            if (st.reported.has(track) || t - since < rule.over_seconds) continue;
            st.reported.add(track);
            const one = this.fire(rule, cam, { zone: rule.zone, trackId: track, seconds: t - since, ...(rule.class ? { className: rule.class } : {}) });
            if (one) out.push(one);
          }
        }
        if (f) out.push(f);
      }
    }
    return out;
  }

  /** Rules on the engines' live figures (issue 18: queues, capacity, speed). */
  private liveRule(rule: AlertRule & { type: 'queue_length' | 'queue_wait' | 'capacity' | 'speeding' }, cam: EngineCamera, st: RuleState, now: number, cams: readonly EngineCamera[]): Firing | undefined {
    const live = this.inputs.analytics?.(cam.id) ?? {};
    if (rule.type === 'queue_length' || rule.type === 'queue_wait') {
      const q = (live.queues as Record<string, QueueLive> | undefined)?.[rule.zone];
      if (!q) return undefined;
      const over = rule.type === 'queue_length' ? q.length > rule.above : q.estimated_wait_seconds > rule.above_seconds;
      const held = heldFor(st, over, now, rule.for_seconds);
      if (held === undefined) return undefined;
      return this.fire(rule, cam, { zone: rule.zone, count: rule.type === 'queue_length' ? q.length : q.estimated_wait_seconds, seconds: held });
    }
    if (rule.type === 'capacity') {
      const occ = live.occupancy as { areas?: Record<string, AreaLive>; zones?: Record<string, { occupancy: number; percent: number }> } | undefined;
      const g = rule.area !== undefined ? occ?.areas?.[rule.area] : occ?.zones?.[rule.zone!];
      if (!g || g.percent === null) return undefined;
      // An area spans cameras: only the first camera that reports it evaluates the rule.
      if (rule.area !== undefined && cams.find((c) => (this.inputs.analytics?.(c.id).occupancy as { areas?: Record<string, unknown> } | undefined)?.areas?.[rule.area!]) !== cam) return undefined;
      const held = heldFor(st, g.percent > rule.above_percent, now, rule.for_seconds);
      if (held === undefined) return undefined;
      return this.fire(rule, cam, { ...(rule.area !== undefined ? { area: rule.area } : { zone: rule.zone! }), count: g.occupancy, percent: g.percent, seconds: held });
    }
    const byClass = (live.speed as Record<string, Record<string, { mps: number; track: number }>> | undefined)?.[rule.zone ?? '*'];
    let fastest: { cls: string; mps: number; track: number } | undefined;
    for (const [cls, s] of Object.entries(byClass ?? {})) if ((!rule.class || rule.class === cls) && (!fastest || s.mps > fastest.mps)) fastest = { cls, ...s };
    if (!fastest || fastest.mps <= rule.above_mps) return undefined;
    // One firing per object: the same track is not reported again while it stays fast.
    st.reported ??= new Set();
    if (st.reported.has(fastest.track)) return undefined;
    st.reported.add(fastest.track);
    if (st.reported.size > 1000) st.reported = new Set([fastest.track]);
    return this.fire(rule, cam, { zone: rule.zone ?? '*', className: fastest.cls, trackId: fastest.track, speed: fastest.mps });
  }

  private stateOf(rule: AlertRule, camera: string): RuleState {
    const k = `${rule.id}|${camera}`;
    let st = this.state.get(k);
    if (!st) this.state.set(k, (st = {}));
    return st;
  }

  private fire(rule: AlertRule, cam: EngineCamera, d: Omit<FiringDetails, 'camera' | 'cameraName'>): Firing | undefined {
    const now = this.inputs.now();
    const k = `${rule.id}|${cam.id}`;
    const last = this.lastFired.get(k);
    if (last !== undefined && now - last < rule.cooldown_seconds * 1000) {
      this.suppressed++;
      return undefined;
    }
    this.lastFired.set(k, now);
    return { rule, at: now, details: { camera: cam.id, cameraName: cam.name, ...d } };
  }
}

/**
 * A condition that must hold for `forSeconds` (occupancy, queues, capacity): the seconds it has held
 * when it should fire now (once per episode), else undefined; re-armed when the condition ends.
 */
function heldFor(st: RuleState, over: boolean, now: number, forSeconds: number): number | undefined {
  if (!over) {
    st.since = undefined;
    st.latched = false;
    return undefined;
  }
  st.since ??= now;
  if (st.latched || now - st.since < forSeconds * 1000) return undefined;
  st.latched = true;
  return (now - st.since) / 1000;
}
