import { Hono } from 'hono';
import { z } from 'zod';
import { intText } from './params.js';
import { MAX_REPORT_CAMERAS, MAX_REPORT_HEATMAP_CELLS, MAX_TIMELINE_BUCKETS, timelineBuckets, timelineCsv } from '../analytics/report-builder.js';
import { ApiError } from './errors.js';
import { spanProblem, timeParam } from './time-range.js';
import type { ApiDeps } from './types.js';
import { validate } from './validate.js';
import { access, type ApiEnv } from './access.js';
import { MAX_COMPARE_WEEKS } from '../analytics/comparisons.js';
import { isTimeZone, resolvedTimeZone } from '../util/time-zone.js';

const RESOLUTIONS = { '1m': 60, '15m': 900, '1h': 3600 } as const;

/** Reports: generate for cameras and a range, list, read as JSON or the timeline as CSV. */
export function reportRoutes(deps: ApiDeps) {
  const body = z
    .strictObject({
      cameras: z.array(z.string().min(1).max(64)).min(1).max(MAX_REPORT_CAMERAS).optional(),
      from: timeParam,
      to: timeParam,
      resolution: z.enum(['1m', '15m', '1h']).default('15m'),
      // Comparisons and peaks (analytics/comparisons.ts), in the site's time zone unless `timezone` says another.
      compare_previous: z.boolean().default(false),
      compare_weeks: z.number().int().min(0).max(MAX_COMPARE_WEEKS).default(0),
      day_hour: z.boolean().default(false),
      timezone: z.string().min(1).max(64).refine(isTimeZone, 'unknown IANA time zone').optional(),
    })
    .superRefine((b, ctx) => {
      const span = spanProblem(b.from, b.to, deps.retentionDays().minutes);
      if (span) ctx.addIssue({ code: 'custom', path: ['from'], message: span });
      else {
        const buckets = timelineBuckets(b.from, b.to, RESOLUTIONS[b.resolution]);
        if (buckets > MAX_TIMELINE_BUCKETS) ctx.addIssue({ code: 'custom', path: ['resolution'], message: `${buckets} timeline buckets; at most ${MAX_TIMELINE_BUCKETS} (a coarser resolution or a shorter range)` });
      }
      // Each camera adds its heatmap to the report: the grid size (config) times the cameras is bounded.
      const grid = deps.emptyHeatmap();
      const cameras = b.cameras?.length ?? deps.cameras().length;
      if (cameras * grid.width * grid.height > MAX_REPORT_HEATMAP_CELLS) {
        ctx.addIssue({ code: 'custom', path: ['cameras'], message: `${cameras} heatmaps of ${grid.width}×${grid.height}: at most ${MAX_REPORT_HEATMAP_CELLS} cells in one report (fewer cameras)` });
      }
      for (const [i, id] of (b.cameras ?? []).entries()) {
        if (!deps.cameraConfig(id)) ctx.addIssue({ code: 'custom', path: ['cameras', i], message: `no camera "${id}"` });
      }
    });
  const list = z.strictObject({
    limit: intText().pipe(z.number().int().min(1).max(500)).default(50),
    before: timeParam.optional(),
    /** The `next` of the previous page. */
    cursor: intText().pipe(z.number().int().min(1)).optional(),
  });
  const find = async (id: string) => {
    const r = await deps.reports.get(id);
    if (!r) throw new ApiError(404, 'ERR_NOT_FOUND', `no report "${id}"`);
    return r;
  };
  return new Hono<ApiEnv>()
    .post('/', access('operate'), validate('json', body), async (c) => {
      const b = c.req.valid('json');
      const cameras = b.cameras ?? deps.cameras().map((v) => v.id);
      // Peaks and the busiest zone come with every range report; comparisons and the table when asked.
      const analysis = { timezone: resolvedTimeZone(b.timezone ?? deps.settings.get().timezone), previous: b.compare_previous, weeks: b.compare_weeks, dayHour: b.day_hour };
      const report = await deps.reports.generate('range', cameras, b.from, b.to, RESOLUTIONS[b.resolution], analysis);
      return c.json(report, 201);
    })
    .get('/', access('reports:read'), validate('query', list), async (c) => {
      const q = c.req.valid('query');
      const rows = await deps.reports.list(q.limit + 1, q.before !== undefined ? q.before * 1000 : undefined, q.cursor);
      const page = rows.slice(0, q.limit);
      return c.json({ reports: page, next: rows.length > q.limit ? page[page.length - 1]!.seq : null });
    })
    .get('/:file{[^/]+\\.csv}', access('reports:read'), async (c) => {
      const r = await find(c.req.param('file').replace(/\.csv$/, ''));
      return c.body(timelineCsv(r.body), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="report-${r.id}.csv"` });
    })
    .get('/:id', access('reports:read'), async (c) => c.json(await find(c.req.param('id'))));
}
