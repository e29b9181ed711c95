/**
 * Area occupancy you can trust all day (pure logic, shared by the cameras of one analytics service).
 *
 * An area's occupancy is entries − exits over its lines (each line of any camera, with the direction
 * that means entering), kept honest by drift CORRECTIONS, each recorded with its reason and its day:
 *
 * - `below_zero`: an exit would take the count below 0 (an entry was missed): it is raised to 0.
 * - `below_seen`: the cameras' `inside` zones together hold more objects right now than the count
 *   (entries were missed): it is raised to what they see. (Draw inside zones beyond the entry lines,
 *   so a person is counted by a line before a zone sees them.)
 * - `closing`: at the closing time (local, in the configured time zone) the site is empty: the count
 *   is reset to what the inside zones see (normally 0); what it held beyond that (exits that were
 *   missed) is removed.
 *
 * A DAY runs from one closing to the next and is named by the local date one second before its
 * closing (without a closing time: the local calendar date).
 */
import { minuteRow, type MinuteRow } from '../store/analytics-store.js';

/**
 * The `counts_minute` camera id of an area's rows: an area spans cameras, so its rows belong to the
 * site, not to one camera (a report of a camera is not given an area's entries; a camera id never
 * starts with '@'). Rows stored before under the first line's camera are moved here by migration 015.
 */
export const SITE_ROWS = '@site';

export interface AreaDef {
  id: string;
  name?: string | undefined;
  capacity?: number | undefined;
  lines: ReadonlyArray<{ camera: string; line: string; entry: 'in' | 'out' }>;
  inside: ReadonlyArray<{ camera: string; zone: string }>;
}

export type CorrectionReason = 'below_zero' | 'below_seen' | 'closing';

/** With the current day (see the file's comment) and its totals so far. */
export interface AreaLive extends DayTotals {
  name: string;
  occupancy: number;
  capacity: number | null;
  percent: number | null;
  /** What the inside zones see now. */
  seen_inside: number;
  /** The day before, with its totals and corrections (the closing reset included); null on the first day. */
  previous: DayTotals | null;
}

export interface DayTotals {
  day: string;
  entries: number;
  exits: number;
  added: number;
  removed: number;
}

/** An area's state: its count, and the current day with its totals so far. */
interface Area extends DayTotals {
  def: AreaDef;
  /** The camera whose engine drains the area's rows (stored under SITE_ROWS). */
  owner: string;
  count: number;
  previous: DayTotals | null;
}

interface AreaMinute {
  area: string;
  minute: number;
  entries: number;
  exits: number;
  peak: number;
  /** reason@day → [added, removed] */
  fixes: Map<string, [number, number]>;
}

export class AreaLedger {
  private readonly areas: Area[];
  /** Per camera: zone → objects inside now. */
  private readonly seen = new Map<string, Map<string, number>>();
  private readonly minutes = new Map<string, AreaMinute>();
  private readonly closing: number | undefined;
  private readonly zoneOf: () => string;
  private tz: string;
  private fmt: Intl.DateTimeFormat;
  /** Unix seconds of the next closing (NaN until the first settle). */
  private nextClosing = NaN;
  private dayCache = { from: Infinity, until: -Infinity, label: '' };

  /**
   * `timeZone`: the IANA zone of the closing time and the days ('' = the box's); a function is asked
   * again at every settle, so a site whose time zone changes follows it.
   */
  constructor(areas: readonly AreaDef[], closingTime: string | undefined, timeZone: string | (() => string)) {
    this.zoneOf = typeof timeZone === 'function' ? timeZone : () => timeZone;
    this.tz = '';
    this.fmt = this.formatter();
    this.closing = closingTime ? Number(closingTime.slice(0, 2)) * 60 + Number(closingTime.slice(3)) : undefined;
    this.areas = areas.map((def) => ({ def, owner: def.lines[0]!.camera, count: 0, day: '', entries: 0, exits: 0, added: 0, removed: 0, previous: null }));
  }

  /** The formatter of the current time zone (a change resets the next closing and the day cache). */
  private formatter(): Intl.DateTimeFormat {
    this.tz = this.zoneOf() || boxZone();
    this.nextClosing = NaN;
    this.dayCache = { from: Infinity, until: -Infinity, label: '' };
    return new Intl.DateTimeFormat('en-GB', { timeZone: this.tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  }

  /** Whether `camera` counts or watches any area. */
  involves(camera: string): boolean {
    return this.areas.some((a) => this.involvesArea(a, camera));
  }

  /** A line crossing on a camera: an entry or exit of every area counting that line. */
  cross(camera: string, line: string, direction: 'in' | 'out', t: number): void {
    for (const a of this.areas) {
      for (const l of a.def.lines) {
        if (l.camera !== camera || l.line !== line) continue;
        this.settle(t);
        const m = this.minute(a, t);
        if (direction === l.entry) {
          a.count++;
          a.entries++;
          m.entries++;
        } else {
          a.count--;
          a.exits++;
          m.exits++;
        }
      }
    }
  }

  /** What a camera's zones hold now (zone → class → count). */
  see(camera: string, occupancy: Record<string, Record<string, number>>): void {
    let m = this.seen.get(camera);
    if (!m) this.seen.set(camera, (m = new Map()));
    for (const [zone, byClass] of Object.entries(occupancy)) m.set(zone, Object.values(byClass).reduce((x, y) => x + y, 0));
  }

  /** A camera stopped: its zones see nothing any more. */
  forget(camera: string): void {
    this.seen.delete(camera);
  }

  /** Applies the closing reset when its time has come and the floors; records the minute's peak. */
  settle(t: number): void {
    if ((this.zoneOf() || boxZone()) !== this.tz) this.fmt = this.formatter();
    if (Number.isNaN(this.nextClosing)) this.nextClosing = this.closingAfter(t);
    const closed = t >= this.nextClosing;
    const closedAt = this.nextClosing;
    if (closed) this.nextClosing = this.closingAfter(t);
    const day = this.dayOf(t);
    for (const a of this.areas) {
      const inside = this.inside(a);
      if (closed) {
        const closingDay = this.dayOf(closedAt - 1);
        if (a.count > inside) this.fix(a, 'closing', closingDay, 0, a.count - inside, closedAt);
        else if (a.count < inside) this.fix(a, 'below_seen', closingDay, inside - a.count, 0, closedAt);
        a.previous = { day: closingDay, entries: a.entries, exits: a.exits, added: a.added, removed: a.removed };
      }
      if (a.day !== day) {
        if (a.day && !closed) a.previous = { day: a.day, entries: a.entries, exits: a.exits, added: a.added, removed: a.removed };
        a.day = day;
        a.entries = a.exits = a.added = a.removed = 0;
      }
      if (a.count < inside) this.fix(a, inside > 0 ? 'below_seen' : 'below_zero', day, inside - a.count, 0, t);
      const m = this.minute(a, t);
      m.peak = Math.max(m.peak, a.count);
    }
  }

  live(camera?: string): Record<string, AreaLive> {
    const out: Record<string, AreaLive> = {};
    for (const a of this.areas) {
      if (camera !== undefined && !this.involvesArea(a, camera)) continue;
      const cap = a.def.capacity ?? null;
      out[a.def.id] = {
        name: a.def.name ?? a.def.id,
        occupancy: a.count,
        capacity: cap,
        percent: cap ? Math.round((a.count / cap) * 1000) / 10 : null,
        seen_inside: this.inside(a),
        day: a.day,
        entries: a.entries,
        exits: a.exits,
        added: a.added,
        removed: a.removed,
        previous: a.previous,
      };
    }
    return out;
  }

  /** The rows of the areas `camera` drains (camera id SITE_ROWS, kind `occupancy`, target `area:<id>`), minutes before `before` (all when omitted). */
  drain(camera: string, before?: number): MinuteRow[] {
    const rows: MinuteRow[] = [];
    for (const [k, m] of this.minutes) {
      const a = this.areas.find((x) => x.def.id === m.area)!;
      if (a.owner !== camera || (before !== undefined && m.minute >= before)) continue;
      this.minutes.delete(k);
      const row = (class_name: string, r: Partial<MinuteRow>): MinuteRow => minuteRow({ camera_id: SITE_ROWS, minute: m.minute, kind: 'occupancy', target: `area:${m.area}`, class_name }, r);
      rows.push(row('flow', { entries: m.entries, exits: m.exits, max_occupancy: m.peak }));
      if (a.def.capacity) rows.push(row(`cap:${a.def.capacity}`, { max_occupancy: m.peak }));
      for (const [fix, [added, removed]] of m.fixes) rows.push(row(`fix:${fix}`, { entries: added, exits: removed }));
    }
    return rows;
  }

  private involvesArea(a: Area, camera: string): boolean {
    return areaCameras(a.def).includes(camera);
  }

  private inside(a: Area): number {
    let n = 0;
    for (const z of a.def.inside) n += this.seen.get(z.camera)?.get(z.zone) ?? 0;
    return n;
  }

  private fix(a: Area, reason: CorrectionReason, day: string, added: number, removed: number, t: number): void {
    a.count += added - removed;
    if (day === a.day) {
      a.added += added;
      a.removed += removed;
    }
    const f = this.minute(a, t).fixes;
    const k = `${reason}@${day}`;
    const v = f.get(k) ?? [0, 0];
    f.set(k, [v[0] + added, v[1] + removed]);
  }

  private minute(a: Area, t: number): AreaMinute {
    const minute = Math.floor(t / 60);
    const k = `${a.def.id}|${minute}`;
    let m = this.minutes.get(k);
    if (!m) this.minutes.set(k, (m = { area: a.def.id, minute, entries: 0, exits: 0, peak: Math.max(0, a.count), fixes: new Map() }));
    return m;
  }

  /** Local wall-clock parts of unix second `t`. */
  private parts(t: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
    const p = this.fmt.formatToParts(new Date(t * 1000));
    const get = (type: string) => Number(p.find((x) => x.type === type)?.value ?? 0);
    return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
  }

  /** The day `t` belongs to (see the file's comment), cached until the day ends. */
  private dayOf(t: number): string {
    if (t >= this.dayCache.from && t < this.dayCache.until) return this.dayCache.label;
    const p = this.parts(t);
    const until = this.closing === undefined ? this.localToUnix(p.y, p.mo, p.d + 1, 0, 0) : this.closingAfter(t);
    const label = this.closing === undefined ? dateLabel(p) : dateLabel(this.parts(until - 1));
    this.dayCache = { from: t, until, label };
    return label;
  }

  /** Unix seconds of the first closing strictly after `t` (Infinity without a closing time). */
  private closingAfter(t: number): number {
    if (this.closing === undefined) return Infinity;
    const p = this.parts(t);
    for (let add = 0; add < 3; add++) {
      const c = this.localToUnix(p.y, p.mo, p.d + add, Math.floor(this.closing / 60), this.closing % 60);
      if (c > t) return c;
    }
    return t + 86_400;
  }

  /** Unix seconds of a local wall-clock time (the later of two in a repeated hour, shifted past a skipped one). */
  private localToUnix(y: number, mo: number, d: number, h: number, mi: number): number {
    const wall = Date.UTC(y, mo - 1, d, h, mi) / 1000;
    let guess = wall - this.offset(wall);
    guess = wall - this.offset(guess);
    return guess;
  }

  /** Local time minus UTC at unix second `t`, in seconds. */
  private offset(t: number): number {
    const p = this.parts(t);
    return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) / 1000 - Math.floor(t);
  }
}

/** The cameras an area counts with (its lines) or watches with (its inside zones), each once. */
export function areaCameras(a: AreaDef): string[] {
  return [...new Set([...a.lines.map((l) => l.camera), ...a.inside.map((z) => z.camera)])];
}

function dateLabel(p: { y: number; mo: number; d: number }): string {
  return `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

let box: string | undefined;
/** The box's own time zone (read once). */
function boxZone(): string {
  return (box ??= Intl.DateTimeFormat().resolvedOptions().timeZone);
}
