import { Hono } from 'hono';
import { z } from 'zod';
import { COVERAGE_MIN } from '../analytics/coverage.js';
import { access, type ApiEnv } from './access.js';
import { ApiError } from './errors.js';
import { timeRange } from './time-range.js';
import type { ApiDeps } from './types.js';
import { validate } from './validate.js';

const RESOLUTIONS = { '1m': 60, '15m': 900, '1h': 3600 } as const;
const MAX_INTERVALS = 10_000;

/** GET /cameras/:id/coverage: the share of a range (and of each interval in it) the camera was online and analysed at its expected fps. */
export function coverageRoutes(deps: ApiDeps) {
  const range = timeRange(3600, () => deps.retentionDays().minutes);
  const query = z
    .strictObject({ from: range.from, to: range.to, resolution: z.enum(['1m', '15m', '1h']).default('15m') })
    .superRefine(range.refine)
    .superRefine((q, ctx) => {
      const { from, to } = range.resolve(q);
      if ((to - from) / RESOLUTIONS[q.resolution] > MAX_INTERVALS) ctx.addIssue({ code: 'custom', path: ['resolution'], message: `more than ${MAX_INTERVALS} intervals: choose a coarser resolution` });
    });
  return new Hono<ApiEnv>().get('/:id/coverage', access('cameras:read'), validate('query', query), async (c) => {
    const id = c.req.param('id');
    if (!deps.cameraConfig(id)) throw new ApiError(404, 'ERR_NOT_FOUND', `no camera "${id}"`);
    const q = c.req.valid('query');
    const { from, to } = range.resolve(q);
    const r = await deps.coverage(id, from, to, RESOLUTIONS[q.resolution]);
    const iso = (s: number) => new Date(s * 1000).toISOString();
    return c.json({
      camera: id,
      from: iso(from),
      to: iso(to),
      min_coverage: COVERAGE_MIN,
      ...r.total,
      intervals: r.buckets.map((b) => ({ ...b, from: iso(b.from), to: iso(b.to) })),
    });
  });
}
