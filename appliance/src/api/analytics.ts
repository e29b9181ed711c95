import { Hono } from 'hono';
import { z } from 'zod';
import { intText, numberText } from './params.js';
import { resample, maxOf } from '../analytics/heatmap.js';
import { HEATMAP_SCALES, heatmapScale, renderHeatmapPng } from '../analytics/heatmap-render.js';
import { linesSchema, zonesSchema } from '../config/schema.js';
import { METADATA_ONLY_MESSAGE } from '../config/privacy.js';
import { ApiError } from './errors.js';
import { timeRange } from './time-range.js';
import type { ApiDeps } from './types.js';
import { validate } from './validate.js';
import { EVENT_TYPE_NAMES } from '../store/event-types.js';
import { access, type ApiEnv } from './access.js';

/** Cells of a heatmap served as JSON (512 × 512, the largest configurable grid). */
export const MAX_HEATMAP_CELLS = 512 * 512;
/** Cells one heatmap request may sum (per class): 413 days of 512×512 grids would be 108 Mi. */
const MAX_HEATMAP_CELLS_READ = 64 * 1024 * 1024;

/** Zones, lines, heatmaps, snapshots and occupancy of one camera. */
export function cameraAnalyticsRoutes(deps: ApiDeps) {
  const heatmapRange = timeRange(24 * 3600, () => deps.retentionDays().heatmapHours);
  // A range sums one stored grid per whole day and per hour of its ragged ends: bounded in cells read.
  const gridsBounded = (q: { from?: number | undefined; to?: number | undefined }, ctx: z.RefinementCtx): void => {
    const { from, to } = heatmapRange.resolve(q);
    const grid = deps.emptyHeatmap();
    const cells = (Math.ceil((to - from) / 86_400) + 48) * grid.width * grid.height;
    if (cells > MAX_HEATMAP_CELLS_READ) ctx.addIssue({ code: 'custom', path: ['from'], message: `the range sums too many ${grid.width}×${grid.height} grids; ask for a shorter one` });
  };
  const heatmapQuery = z
    .strictObject({
      from: heatmapRange.from,
      to: heatmapRange.to,
      kind: z.enum(['presence', 'traffic']).default('presence'),
      class: z.string().min(1).optional(),
      width: intText().pipe(z.number().int().min(1).max(1024)).optional(),
      height: intText().pipe(z.number().int().min(1).max(1024)).optional(),
    })
    .superRefine(heatmapRange.refine)
    .superRefine(gridsBounded)
    .superRefine((q, ctx) => {
      // The JSON carries one number per cell: bounded in cells, not only per side.
      const cells = (q.width ?? deps.emptyHeatmap().width) * (q.height ?? deps.emptyHeatmap().height);
      if (cells > MAX_HEATMAP_CELLS) ctx.addIssue({ code: 'custom', path: ['width'], message: `width × height is ${cells} cells; at most ${MAX_HEATMAP_CELLS}` });
    });
  const pngQuery = z
    .strictObject({
      from: heatmapRange.from,
      to: heatmapRange.to,
      kind: z.enum(['presence', 'traffic']).default('presence'),
      class: z.string().min(1).optional(),
      opacity: numberText().pipe(z.number().min(0).max(1)).default(0.6),
      /** Fixed colour scale: this value and above are the hottest colour, so two periods compare honestly. */
      scale_max: numberText().pipe(z.number().positive()).optional(),
      /** How values map to colours: up to the 95th percentile of non-empty cells (default), log, or linear to the maximum. */
      scale: z.enum(HEATMAP_SCALES).default('percentile'),
    })
    .superRefine(heatmapRange.refine)
    .superRefine(gridsBounded);

  const camera = (id: string) => {
    const cfg = deps.cameraConfig(id);
    if (!cfg) throw new ApiError(404, 'ERR_NOT_FOUND', `no camera "${id}"`);
    return cfg;
  };

  return new Hono<ApiEnv>()
    .get('/:id/zones', access('cameras:read'), (c) => c.json({ zones: camera(c.req.param('id')).zones }))
    .put('/:id/zones', access('operate'), validate('json', z.strictObject({ zones: zonesSchema })), async (c) => {
      const cfg = camera(c.req.param('id'));
      await deps.replaceCamera({ ...cfg, zones: c.req.valid('json').zones });
      return c.json({ zones: camera(cfg.id).zones });
    })
    .get('/:id/lines', access('cameras:read'), (c) => c.json({ lines: camera(c.req.param('id')).lines }))
    .put('/:id/lines', access('operate'), validate('json', z.strictObject({ lines: linesSchema })), async (c) => {
      const cfg = camera(c.req.param('id'));
      await deps.replaceCamera({ ...cfg, lines: c.req.valid('json').lines });
      return c.json({ lines: camera(cfg.id).lines });
    })
    .get('/:id/occupancy', access('cameras:read'), (c) => {
      const id = camera(c.req.param('id')).id;
      // With the engines' figures: areas (occupancy, capacity, the day's corrections), capacity gauges, queues.
      return c.json({ camera: id, zones: deps.occupancy(id), ...(deps.analyticsLive ? { analytics: deps.analyticsLive(id) } : {}) });
    })
    .get('/:id/snapshot.jpg', access('cameras:read'), async (c) => {
      const id = camera(c.req.param('id')).id;
      if (deps.privacy(id).metadata_only) throw new ApiError(403, 'ERR_FORBIDDEN', METADATA_ONLY_MESSAGE);
      const snap = await deps.snapshot(id);
      if (!snap) throw new ApiError(404, 'ERR_NOT_FOUND', 'no frame from this camera yet');
      return c.body(new Uint8Array(snap.jpeg), 200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'no-store', 'Last-Modified': new Date(snap.timeMs).toUTCString() });
    })
    .get('/:id/heatmap', access('cameras:read'), validate('query', heatmapQuery), async (c) => {
      const id = camera(c.req.param('id')).id;
      const q = c.req.valid('query');
      const { from, to } = heatmapRange.resolve(q);
      let grid = (await deps.heatmap(id, q.kind, from, to, q.class)) ?? deps.emptyHeatmap();
      if (q.width || q.height) grid = resample(grid, q.width ?? grid.width, q.height ?? grid.height);
      // percentile_95: the top of the PNG's default colour scale (the legend's number).
      return c.json({ camera: id, kind: q.kind, class: q.class ?? null, from, to, width: grid.width, height: grid.height, max: maxOf(grid), percentile_95: heatmapScale(grid.values).top, values: Array.from(grid.values) });
    })
    .get('/:id/heatmap.png', access('cameras:read'), validate('query', pngQuery), async (c) => {
      const id = camera(c.req.param('id')).id;
      const q = c.req.valid('query');
      const { from, to } = heatmapRange.resolve(q);
      const grid = (await deps.heatmap(id, q.kind, from, to, q.class)) ?? deps.emptyHeatmap();
      const snap = await deps.snapshot(id);
      const view = deps.cameras().find((v) => v.id === id);
      const png = await renderHeatmapPng(grid, {
        width: view?.width ?? 640,
        height: view?.height ?? 480,
        opacity: q.opacity,
        ...(snap ? { background: snap.jpeg } : {}),
        ...(q.scale_max !== undefined ? { scaleMax: q.scale_max } : {}),
        scale: q.scale,
      });
      return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
    });
}

/** Zone and line events across cameras, newest first, with cursor pagination. */
export function eventRoutes(deps: ApiDeps) {
  const range = timeRange(24 * 3600, () => deps.retentionDays().events);
  const query = z
    .strictObject({
      camera: z.string().min(1).optional(),
      type: z.enum(EVENT_TYPE_NAMES).optional(),
      class: z.string().min(1).optional(),
      zone: z.string().min(1).optional(),
      line: z.string().min(1).optional(),
      from: range.from,
      to: range.to,
      limit: intText().pipe(z.number().int().min(1).max(1000)).default(100),
      /** The `next` of the previous page. */
      cursor: intText().pipe(z.number().int().min(1)).optional(),
    })
    .superRefine(range.refine);
  return new Hono<ApiEnv>().get('/', access('events:read'), validate('query', query), async (c) => {
    const q = c.req.valid('query');
    const { from, to } = range.resolve(q);
    const rows = await deps.events({ ...q, from, to, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({ events: page, next: rows.length > q.limit ? page[page.length - 1]!.id : null });
  });
}
