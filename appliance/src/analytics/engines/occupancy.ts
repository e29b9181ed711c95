import { minuteRow, type MinuteRow } from '../../store/analytics-store.js';
import { AreaLedger } from '../area-occupancy.js';
import type { AnalyticsEvent } from '../zone-engine.js';
import type { AnalyticEngine, EngineSetup, ReportContext } from './engine.js';

/**
 * Occupancy you can trust all day: the configured areas (`analytics.occupancy`, counted in − out over
 * lines of any cameras with drift correction and a reset at closing, see analytics/area-occupancy.ts)
 * and every zone with a `capacity`. Live: `{ areas: { <id>: AreaLive }, zones: { <id>: { occupancy,
 * capacity, percent } } }`, the gauge. Stored as `counts_minute` rows of kind `occupancy`: for an area
 * (under the site's camera id SITE_ROWS, an area spans cameras) target `area:<id>` with class `flow` (entries, exits,
 * max_occupancy = peak), `cap:<capacity>` (peak) and `fix:<reason>@<day>` (entries = added, exits =
 * removed); for a zone with a capacity, target `zone:<id>` class `cap:<capacity>` (peak).
 */
export const occupancyEngine: AnalyticEngine = {
  name: 'occupancy',
  create({ cameraId, shapes, occupancy, config, shared, siteTimezone }) {
    const ledger = ledgerOf(config, shared, siteTimezone);
    const here = ledger?.involves(cameraId) ? ledger : undefined;
    const capped = shapes.zones.filter((z) => z.capacity !== undefined).map((z) => ({ id: z.id, capacity: z.capacity! }));
    if (!here && !capped.length) return undefined;
    const peaks = new Map<string, { minute: number; zone: string; capacity: number; peak: number }>();
    let now: Record<string, Record<string, number>> = {};
    const sample = (t: number, events: EngineFrameEvents) => {
      now = occupancy();
      if (here) {
        for (const e of events) if (e.type === 'line.cross') here.cross(cameraId, e.line, e.direction, e.t);
        here.see(cameraId, now);
        here.settle(t);
      }
      const minute = Math.floor(t / 60);
      for (const z of capped) {
        const n = total(now[z.id]);
        const k = `${minute}|${z.id}`;
        const p = peaks.get(k);
        if (p) p.peak = Math.max(p.peak, n);
        else peaks.set(k, { minute, zone: z.id, capacity: z.capacity, peak: n });
      }
    };
    return {
      frame: (f) => sample(f.t, f.events),
      trackEnd: (_id, t, events) => sample(t, events),
      close: (t, events) => {
        sample(t, events);
        here?.forget(cameraId);
      },
      live: () => ({
        areas: here?.live(cameraId) ?? {},
        zones: Object.fromEntries(capped.map((z) => [z.id, gauge(total(now[z.id]), z.capacity)])),
      }),
      drainMinutes: (before) => {
        const rows: MinuteRow[] = here ? here.drain(cameraId, before) : [];
        for (const [k, p] of peaks) {
          if (before !== undefined && p.minute >= before) continue;
          peaks.delete(k);
          rows.push(minuteRow({ camera_id: cameraId, minute: p.minute, kind: 'occupancy', target: `zone:${p.zone}`, class_name: `cap:${p.capacity}` }, { max_occupancy: p.peak }));
        }
        return rows;
      },
    };
  },
  report: occupancyReport,
};

type EngineFrameEvents = readonly AnalyticsEvent[];

/**
 * The analytics service's one ledger of areas (created by the first camera that asks). Its time zone:
 * `analytics.occupancy.timezone`, else the site's (settings), else the box's.
 */
function ledgerOf(config: EngineSetup['config'], shared: EngineSetup['shared'], siteTimezone: EngineSetup['siteTimezone']): AreaLedger | undefined {
  const o = config?.occupancy;
  if (!o?.areas.length || !shared) return undefined;
  let l = shared.get('occupancy') as AreaLedger | undefined;
  if (!l) shared.set('occupancy', (l = new AreaLedger(o.areas, o.closing_time, o.timezone || !siteTimezone ? o.timezone : siteTimezone)));
  return l;
}

function total(byClass: Record<string, number> | undefined): number {
  let n = 0;
  for (const v of Object.values(byClass ?? {})) n += v;
  return n;
}

function gauge(occupancy: number, capacity: number): { occupancy: number; capacity: number; percent: number } {
  return { occupancy, capacity, percent: Math.round((occupancy / capacity) * 1000) / 10 };
}

export interface Correction {
  day: string;
  added: number;
  removed: number;
  by_reason: Record<string, { added: number; removed: number }>;
}

/** `analytics.occupancy` of a report. */
export interface OccupancySection {
  /** By area id: `name` and `cameras` from the config (an area no longer configured: its id, []; absent from reports stored before). */
  areas: Record<string, { name?: string; cameras?: string[]; entries: number; exits: number; peak: number; capacity: number | null; peak_percent: number | null; corrections: Correction[] }>;
  zones: Array<{ camera: string; zone: string; name?: string; peak: number; capacity: number; peak_percent: number; minutes_over: number }>;
}

/**
 * `analytics.occupancy`: per area its entries, exits, peak (and % of capacity), and the corrections
 * per day with their reasons; per zone with a capacity, its peak and % of capacity and the minutes it
 * was over capacity.
 */
export function occupancyReport(rows: MinuteRow[], ctx?: ReportContext): OccupancySection | undefined {
  if (!rows.length) return undefined;
  const areas: OccupancySection['areas'] = {};
  const zones: Record<string, OccupancySection['zones'][number]> = {};
  const fixes = new Map<string, Map<string, Correction>>();
  for (const r of rows) {
    const cap = r.class_name.startsWith('cap:') ? Number(r.class_name.slice(4)) : undefined;
    if (r.target.startsWith('zone:') && cap) {
      const zone = r.target.slice(5);
      const key = `${r.camera_id}|${zone}`;
      const z = (zones[key] ??= { camera: r.camera_id, zone, name: ctx?.zoneName(r.camera_id, zone) ?? zone, peak: 0, capacity: cap, peak_percent: 0, minutes_over: 0 });
      z.peak = Math.max(z.peak, r.max_occupancy);
      z.capacity = cap;
      if (r.max_occupancy > cap) z.minutes_over++;
      continue;
    }
    if (!r.target.startsWith('area:')) continue;
    const id = r.target.slice(5);
    const def = ctx?.area(id);
    const a = (areas[id] ??= { name: def?.name ?? id, cameras: def?.cameras ?? [], entries: 0, exits: 0, peak: 0, capacity: null, peak_percent: null, corrections: [] });
    if (r.class_name === 'flow') {
      a.entries += r.entries;
      a.exits += r.exits;
      a.peak = Math.max(a.peak, r.max_occupancy);
    } else if (cap) a.capacity = cap;
    else if (r.class_name.startsWith('fix:')) {
      const [reason = '', day = ''] = r.class_name.slice(4).split('@');
      const byDay = fixes.get(id) ?? fixes.set(id, new Map()).get(id)!;
      const c = byDay.get(day) ?? byDay.set(day, { day, added: 0, removed: 0, by_reason: {} }).get(day)!;
      c.added += r.entries;
      c.removed += r.exits;
      const br = (c.by_reason[reason] ??= { added: 0, removed: 0 });
      br.added += r.entries;
      br.removed += r.exits;
    }
  }
  for (const [id, a] of Object.entries(areas)) {
    if (a.capacity) a.peak_percent = Math.round((a.peak / a.capacity) * 1000) / 10;
    a.corrections = [...(fixes.get(id)?.values() ?? [])].sort((x, y) => x.day.localeCompare(y.day));
  }
  for (const z of Object.values(zones)) z.peak_percent = Math.round((z.peak / z.capacity) * 1000) / 10;
  return { areas, zones: Object.values(zones) };
}
