import type { Kysely } from 'kysely';
import type { MinuteRow } from '../store/analytics-store.js';
import type { Database } from '../store/schema.js';
import { analyticEngines, type AnalyticEngine } from './engines/index.js';
import type { ReportBody, ReportRequest } from './report-builder.js';

/**
 * A report's `analytics` section: each analytic engine with a `report` hook gets its stored minute
 * rows (kind = its name) of the report's cameras and range. Built on the main thread, where engines are
 * registered (a plug-in's or a test's too), after the built-in report from the worker; nothing when no
 * engine reports (or every report is undefined).
 */
export async function engineSections(db: Kysely<Database>, req: ReportRequest, engines: readonly AnalyticEngine[] = analyticEngines()): Promise<Pick<ReportBody, 'analytics'>> {
  const reporting = engines.filter((e) => e.report);
  if (!reporting.length) return {};
  const rows = req.cameras.length
    ? await db
        .selectFrom('counts_minute')
        .selectAll()
        .where('camera_id', 'in', req.cameras)
        .where('kind', 'in', reporting.map((e) => e.name))
        .where('minute', '>=', Math.floor(req.from / 60))
        .where('minute', '<', Math.ceil(req.to / 60))
        .execute()
    : [];
  const byKind = new Map<string, MinuteRow[]>();
  for (const r of rows) (byKind.get(r.kind) ?? byKind.set(r.kind, []).get(r.kind)!).push(r);
  // An engine with nothing to say (its report is undefined, e.g. no rows) has no section.
  const sections = reporting.map((e) => [e.name, e.report!(byKind.get(e.name) ?? [])] as const).filter(([, v]) => v !== undefined);
  return sections.length ? { analytics: Object.fromEntries(sections) } : {};
}
