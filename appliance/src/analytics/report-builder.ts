import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { AnalyticsStore } from '../store/analytics-store.js';
import { maxOf } from './heatmap.js';
import { CoverageStore } from '../store/coverage-store.js';
import { coverageTimeline, type Coverage } from './coverage.js';
import { VantageError } from '../errors.js';
import { VISITORS_KIND } from './engines/zones.js';
import { analysisCsv, analysisSections, type AnalysisOptions, type AnalysisSections } from './comparisons.js';
import { engineCsv } from './engine-csv.js';

export type Resolution = 60 | 900 | 3600;

export interface ReportRequest {
  cameras: string[];
  /** Unix seconds, [from, to). */
  from: number;
  to: number;
  /** Timeline bucket in seconds. */
  resolution: Resolution;
  /** Comparisons, peaks and the day × hour table (analytics/comparisons.ts), in a time zone; absent: none. */
  analysis?: AnalysisOptions;
}

export interface TimelineRow {
  /** ISO start of the bucket. */
  time: string;
  tracks: number;
  /** Visitors (tracks stitched into people) first seen in the bucket; absent from reports stored before visitors were counted. */
  visitors: number;
  entries: number;
  exits: number;
  crossings_in: number;
  crossings_out: number;
  max_occupancy: number;
  /** The lowest coverage of the report's cameras in the bucket (null: no live camera, or not begun). */
  coverage: number | null;
  /** Some camera's coverage in the bucket is below 95%. */
  low_coverage: boolean;
}

export interface ReportCore {
  cameras: string[];
  from: string;
  to: string;
  resolution_seconds: Resolution;
  generated_at: string;
  /** Distinct confirmed tracks seen in the range, per class and in all. */
  tracks: { total: number; by_class: Record<string, number> };
  /**
   * Distinct visitors — a person's tracks stitched into one identity (visitors.ts) — first seen in
   * the range, per class (of their first track) and in all; absent from reports stored before.
   */
  visitors: { total: number; by_class: Record<string, number> };
  zones: Array<{
    camera: string;
    zone: string;
    /** The zone's display name (its id when unnamed); reports stored before names have none. */
    name?: string;
    entries: number;
    exits: number;
    by_class: Record<string, { entries: number; exits: number }>;
    /** Highest per-minute occupancy (summed over classes) and the minute it happened. */
    peak_occupancy: { value: number; at: string | null };
    dwell_seconds: { visits: number; average: number | null; median: number | null; p95: number | null };
  }>;
  /** `name`: the line's display name (its id when unnamed); reports stored before names have none. */
  lines: Array<{ camera: string; line: string; name?: string; in: number; out: number; by_class: Record<string, { in: number; out: number }> }>;
  timeline: TimelineRow[];
  heatmaps: Array<{ camera: string; kind: 'presence'; width: number; height: number; max: number; values: number[] }>;
  /**
   * Per live camera: the share of the range it was online and analysed at its expected fps (a file
   * session analyses every frame of its video, so it has no entry).
   */
  coverage: Array<{ camera: string } & Coverage>;
  /** Sections of the analytic engines that report (analytics/engine-reports.ts), by engine name; absent when none does. */
  analytics?: Record<string, unknown>;
}

/** A report body with the comparison sections (when its request asked for them). */
export type ReportBody = ReportCore & Partial<AnalysisSections>;

/** Timeline rows a report of [from, to) has at `resolution` seconds: at most MAX_TIMELINE_BUCKETS. */
export const MAX_TIMELINE_BUCKETS = 10_000;
/** Cameras one report covers at most (each adds its zones, lines and a heatmap). */
export const MAX_REPORT_CAMERAS = 64;
/** Heatmap cells of all the cameras of one report (64 default 64×48 grids fit; 8 of 512×512). */
export const MAX_REPORT_HEATMAP_CELLS = 2 * 1024 * 1024;

export function timelineBuckets(from: number, to: number, resolution: number): number {
  return to <= from ? 0 : Math.ceil((to - Math.floor(from / resolution) * resolution) / resolution);
}

/** The finest of the report resolutions whose timeline over [from, to) fits MAX_TIMELINE_BUCKETS. */
export function finestResolution(from: number, to: number): Resolution | undefined {
  const span = to - from;
  const preferred: Resolution = span <= 3 * 3600 ? 60 : span <= 2 * 86_400 ? 900 : 3600;
  return ([60, 900, 3600] as const).find((r) => r >= preferred && timelineBuckets(from, to, r) <= MAX_TIMELINE_BUCKETS);
}

/** Builds a report from what the store holds: tracks, per-minute counts, zone exits and heatmaps. */
export async function buildReport(db: Kysely<Database>, store: AnalyticsStore, req: ReportRequest, now: Date): Promise<ReportBody> {
  const { cameras, from, to, resolution } = req;
  // The API refuses these first, naming the field; this guards every other caller.
  const buckets = timelineBuckets(from, to, resolution);
  if (buckets > MAX_TIMELINE_BUCKETS) throw new VantageError('ERR_BAD_REQUEST', `${buckets} timeline buckets; at most ${MAX_TIMELINE_BUCKETS}`, { field: 'resolution' });
  if (cameras.length > MAX_REPORT_CAMERAS) throw new VantageError('ERR_BAD_REQUEST', `${cameras.length} cameras; at most ${MAX_REPORT_CAMERAS} in one report`, { field: 'cameras' });
  const fromMs = from * 1000;
  const toMs = to * 1000;
  const noCameras = cameras.length === 0;
  const cams = noCameras ? ['\u0000'] : cameras;

  const trackRows = await db
    .selectFrom('tracks')
    .select(['class_name', 'first_seen'])
    .where('camera_id', 'in', cams)
    .where('last_seen', '>=', fromMs)
    .where('first_seen', '<', toMs)
    .execute();
  const byClass: Record<string, number> = {};
  for (const t of trackRows) byClass[t.class_name] = (byClass[t.class_name] ?? 0) + 1;

  const minutes = await db
    .selectFrom('counts_minute')
    .selectAll()
    .where('camera_id', 'in', cams)
    .where('minute', '>=', Math.floor(from / 60))
    .where('minute', '<', Math.ceil(to / 60))
    .execute();
  const exits = await db
    .selectFrom('events')
    .select(['camera_id', 'target', 'value'])
    .where('camera_id', 'in', cams)
    .where('type', '=', 'zone.exit')
    .where('ts', '>=', fromMs)
    .where('ts', '<', toMs)
    .execute();
  const zoneDefs = await db.selectFrom('zones').select(['camera_id', 'id', 'name']).where('camera_id', 'in', cams).execute();
  const lineDefs = await db.selectFrom('lines').select(['camera_id', 'id', 'name']).where('camera_id', 'in', cams).execute();

  const key = (camera: string, id: string) => `${camera}\u0000${id}`;
  const emptyZone = (camera: string, zone: string, name = zone): ReportBody['zones'][number] => ({
    camera,
    zone,
    name,
    entries: 0,
    exits: 0,
    by_class: {},
    peak_occupancy: { value: 0, at: null },
    dwell_seconds: { visits: 0, average: null, median: null, p95: null },
  });
  const zones = new Map<string, ReportBody['zones'][number]>();
  const occupancyByMinute = new Map<string, Map<number, number>>();
  for (const z of zoneDefs) {
    zones.set(key(z.camera_id, z.id), emptyZone(z.camera_id, z.id, z.name));
  }
  const lines = new Map<string, ReportBody['lines'][number]>();
  for (const l of lineDefs) lines.set(key(l.camera_id, l.id), { camera: l.camera_id, line: l.id, name: l.name, in: 0, out: 0, by_class: {} });

  const timeline = new Map<number, TimelineRow>();
  const bucketOf = (sec: number) => Math.floor(sec / resolution) * resolution;
  const row = (bucket: number): TimelineRow => {
    let r = timeline.get(bucket);
    if (!r) {
      r = { time: new Date(bucket * 1000).toISOString(), tracks: 0, visitors: 0, entries: 0, exits: 0, crossings_in: 0, crossings_out: 0, max_occupancy: 0, coverage: null, low_coverage: false };
      timeline.set(bucket, r);
    }
    return r;
  };
  for (let b = bucketOf(from); b < to; b += resolution) row(b);
  for (const t of trackRows) if (t.first_seen >= fromMs) row(bucketOf(Math.floor(t.first_seen / 1000))).tracks++;

  const visitors: ReportBody['visitors'] = { total: 0, by_class: {} };
  for (const m of minutes) {
    // Visitors count in the minute they were first seen (the minutes the range overlaps, like crossings).
    if (m.kind === VISITORS_KIND) {
      visitors.total += m.entries;
      visitors.by_class[m.class_name] = (visitors.by_class[m.class_name] ?? 0) + m.entries;
      row(bucketOf(m.minute * 60)).visitors += m.entries;
    }
    // Rows of other analytic engines are theirs to report (engine-reports.ts).
    if (m.kind !== 'zone' && m.kind !== 'line') continue;
    const k = key(m.camera_id, m.target);
    const tl = row(bucketOf(m.minute * 60));
    if (m.kind === 'zone') {
      const z = zones.get(k) ?? emptyZone(m.camera_id, m.target);
      zones.set(k, z);
      z.entries += m.entries;
      z.exits += m.exits;
      const c = (z.by_class[m.class_name] ??= { entries: 0, exits: 0 });
      c.entries += m.entries;
      c.exits += m.exits;
      const occ = occupancyByMinute.get(k) ?? new Map<number, number>();
      occupancyByMinute.set(k, occ);
      occ.set(m.minute, (occ.get(m.minute) ?? 0) + m.max_occupancy);
      tl.entries += m.entries;
      tl.exits += m.exits;
    } else {
      const l = lines.get(k) ?? { camera: m.camera_id, line: m.target, name: m.target, in: 0, out: 0, by_class: {} };
      lines.set(k, l);
      l.in += m.crossings_in;
      l.out += m.crossings_out;
      const c = (l.by_class[m.class_name] ??= { in: 0, out: 0 });
      c.in += m.crossings_in;
      c.out += m.crossings_out;
      tl.crossings_in += m.crossings_in;
      tl.crossings_out += m.crossings_out;
    }
  }
  for (const [k, occ] of occupancyByMinute) {
    const z = zones.get(k)!;
    for (const [minute, v] of occ) {
      if (v > z.peak_occupancy.value) z.peak_occupancy = { value: v, at: new Date(minute * 60_000).toISOString() };
      const tl = row(bucketOf(minute * 60));
      tl.max_occupancy = Math.max(tl.max_occupancy, v);
    }
  }
  const dwells = new Map<string, number[]>();
  for (const e of exits) if (e.target && e.value !== null) (dwells.get(key(e.camera_id, e.target)) ?? dwells.set(key(e.camera_id, e.target), []).get(key(e.camera_id, e.target))!).push(e.value);
  for (const [k, list] of dwells) {
    const z = zones.get(k);
    if (!z) continue;
    list.sort((a, b) => a - b);
    const round = (v: number) => Math.round(v * 10) / 10;
    z.dwell_seconds = {
      visits: list.length,
      average: round(list.reduce((s, v) => s + v, 0) / list.length),
      median: round(quantile(list, 0.5)),
      p95: round(quantile(list, 0.95)),
    };
  }

  const heatmaps: ReportBody['heatmaps'] = [];
  for (const camera of cameras) {
    const g = await store.heatmap(camera, 'presence', from, to);
    if (g) heatmaps.push({ camera, kind: 'presence', width: g.width, height: g.height, max: maxOf(g), values: Array.from(g.values, (v) => Math.round(v * 100) / 100) });
  }

  const coverage: ReportBody['coverage'] = [];
  const coverageStore = new CoverageStore(db);
  for (const camera of cameras.filter((c) => !c.startsWith('session-'))) {
    const c = await coverageTimeline(coverageStore, camera, from, to, resolution, now.getTime() / 1000);
    coverage.push({ camera, ...c.total });
    for (const b of c.buckets) {
      const tl = row(b.from);
      if (b.coverage !== null) tl.coverage = tl.coverage === null ? b.coverage : Math.min(tl.coverage, b.coverage);
      tl.low_coverage ||= b.flagged;
    }
  }

  const zoneList = [...zones.values()];
  const analysis = req.analysis ? await analysisSections(store, cameras, from, to, req.analysis, zoneList) : {};
  return {
    cameras,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    resolution_seconds: resolution,
    generated_at: now.toISOString(),
    tracks: { total: trackRows.length, by_class: byClass },
    visitors,
    zones: zoneList,
    lines: [...lines.values()],
    timeline: [...timeline.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r),
    heatmaps,
    coverage,
    ...analysis,
  };
}

/** Linear-interpolated quantile of a sorted list. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 1) return sorted[0]!;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The timeline as CSV, then the comparisons' blocks and the engines' (engine-csv.ts). */
export function timelineCsv(body: ReportBody): string {
  const head = 'time,tracks,visitors,entries,exits,crossings_in,crossings_out,max_occupancy,coverage_pct,low_coverage';
  // Reports stored before coverage (or visitors) existed lack those fields: empty cells, not "undefined".
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(Math.round(v * 1000) / 10));
  return [head, ...body.timeline.map((r) => [r.time, r.tracks, r.visitors ?? '', r.entries, r.exits, r.crossings_in, r.crossings_out, r.max_occupancy, pct(r.coverage), r.low_coverage ? 'yes' : ''].join(','))].join('\n') + '\n' + (body.totals && body.time_zone ? '\n' + analysisCsv(body as AnalysisSections) : '') + engineCsv(body);
}
