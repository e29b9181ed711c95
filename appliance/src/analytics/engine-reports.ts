import type { Kysely } from 'kysely';
import type { MinuteRow } from '../store/analytics-store.js';
import type { Database } from '../store/schema.js';
import { areaCameras, SITE_ROWS, type AreaDef } from './area-occupancy.js';
import { analyticEngines, type AnalyticEngine } from './engines/index.js';
import type { ReportContext } from './engines/engine.js';
import type { ReportBody, ReportRequest } from './report-builder.js';

/**
 * A report's `analytics` section: each analytic engine with a `report` hook gets its stored minute
 * rows (kind = its name) of the report's cameras and range, and the site's rows (SITE_ROWS: the areas
 * that span cameras) of the configured `areas` that count or watch with one of the report's cameras.
 * Built on the main thread, where engines are registered (a plug-in's or a test's too), after the
 * built-in report from the worker; nothing when no engine reports (or every report is undefined).
 */
export async function engineSections(
  db: Kysely<Database>,
  req: ReportRequest,
  opts: { areas?: readonly AreaDef[]; engines?: readonly AnalyticEngine[] } = {},
): Promise<Pick<ReportBody, 'analytics'>> {
  const reporting = (opts.engines ?? analyticEngines()).filter((e) => e.report);
  if (!reporting.length || !req.cameras.length) return {};
  const inRange = { from: Math.floor(req.from / 60), to: Math.ceil(req.to / 60) };
  const kinds = reporting.map((e) => e.name);
  const rows: MinuteRow[] = await db
    .selectFrom('counts_minute')
    .selectAll()
    .where('camera_id', 'in', req.cameras)
    .where('kind', 'in', kinds)
    .where('minute', '>=', inRange.from)
    .where('minute', '<', inRange.to)
    .execute();
  const wanted = new Set(req.cameras);
  const areas = (opts.areas ?? []).filter((a) => areaCameras(a).some((c) => wanted.has(c)));
  if (areas.length) {
    rows.push(
      ...(await db
        .selectFrom('counts_minute')
        .selectAll()
        .where('camera_id', '=', SITE_ROWS)
        .where('kind', 'in', kinds)
        .where('target', 'in', areas.map((a) => `area:${a.id}`))
        .where('minute', '>=', inRange.from)
        .where('minute', '<', inRange.to)
        .execute()),
    );
  }
  const zoneNames = new Map((await db.selectFrom('zones').select(['camera_id', 'id', 'name']).where('camera_id', 'in', req.cameras).execute()).map((z) => [`${z.camera_id}\u0000${z.id}`, z.name]));
  const areaDefs = new Map(areas.map((a) => [a.id, { name: a.name ?? a.id, cameras: areaCameras(a) }]));
  const ctx: ReportContext = { zoneName: (camera, zone) => zoneNames.get(`${camera}\u0000${zone}`), area: (id) => areaDefs.get(id) };
  const byKind = new Map<string, MinuteRow[]>();
  for (const r of rows) (byKind.get(r.kind) ?? byKind.set(r.kind, []).get(r.kind)!).push(r);
  // An engine with nothing to say (its report is undefined, e.g. no rows) has no section.
  const sections = reporting.map((e) => [e.name, e.report!(byKind.get(e.name) ?? [], ctx)] as const).filter(([, v]) => v !== undefined);
  return sections.length ? { analytics: Object.fromEntries(sections) } : {};
}

