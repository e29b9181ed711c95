import { Hono } from 'hono';
import { z } from 'zod';
import { intText } from './params.js';
import { validate } from './validate.js';
import { access, type ApiEnv } from './access.js';
import { ApiError } from './errors.js';
import type { ApiDeps } from './types.js';
import { cameraSchema } from '../config/schema.js';
import { timeRange } from './time-range.js';
import { CAMERA_SOURCE_FIELDS } from '../sources/source-policy.js';

/** The widest span of per-second detection rows one request returns. */
const DETECTIONS_MAX_SECONDS = 86_400;

export function cameraRoutes(deps: ApiDeps) {
  const detRange = timeRange(3600, () => deps.retentionDays().detectionSeconds);
  const detectionsQuery = z
    .strictObject({ from: detRange.from, to: detRange.to })
    .superRefine(detRange.refine)
    .superRefine((q, ctx) => {
      // One row per second and class: a day at most per request (page through longer spans).
      const { from, to } = detRange.resolve(q);
      if (to - from > DETECTIONS_MAX_SECONDS) ctx.addIssue({ code: 'custom', path: ['from'], message: `at most ${DETECTIONS_MAX_SECONDS / 3600} h of per-second rows per request` });
    });
  const trackRange = timeRange(3600, () => deps.retentionDays().tracks);
  const tracksQuery = z
    .strictObject({ from: trackRange.from, to: trackRange.to, limit: intText().pipe(z.number().int().min(1).max(1000)).default(100) })
    .superRefine(trackRange.refine);
  // Sources are checked against the source policy here, so a refusal is a 400 naming the field.
  const sourcesAllowed = (cam: { source: string; live_source?: string | undefined; record_source?: string | undefined }, ctx: z.RefinementCtx): void => {
    for (const field of CAMERA_SOURCE_FIELDS) {
      const value = cam[field];
      // An empty or mistyped value is already refused by the schema, with its own message.
      const why = typeof value !== 'string' || value === '' ? undefined : deps.sourceProblem(value);
      if (why) ctx.addIssue({ code: 'custom', path: [field], message: why });
    }
  };
  const createBody = cameraSchema.superRefine(sourcesAllowed);
  const replaceBody = cameraSchema.omit({ id: true }).superRefine(sourcesAllowed);
  const requireCamera = (id: string): void => {
    if (!deps.cameras().some((x) => x.id === id)) throw new ApiError(404, 'ERR_NOT_FOUND', `no camera "${id}"`);
  };
  return new Hono<ApiEnv>()
    .get('/', access('cameras:read'), (c) => c.json({ cameras: deps.cameras() }))
    .post('/', access('operate'), validate('json', createBody), async (c) => {
      const cam = c.req.valid('json');
      await deps.createCamera(cam);
      return c.json(deps.cameras().find((x) => x.id === cam.id)!, 201);
    })
    .put('/:id', access('operate'), validate('json', replaceBody), async (c) => {
      const id = c.req.param('id');
      await deps.replaceCamera({ ...c.req.valid('json'), id });
      return c.json(deps.cameras().find((x) => x.id === id)!);
    })
    .delete('/:id', access('operate'), async (c) => {
      await deps.deleteCamera(c.req.param('id'));
      return c.body(null, 204);
    })
    .get('/:id', access('cameras:read'), (c) => {
      const cam = deps.cameras().find((x) => x.id === c.req.param('id'));
      if (!cam) throw new ApiError(404, 'ERR_NOT_FOUND', `no camera "${c.req.param('id')}"`);
      return c.json(cam);
    })
    .get('/:id/detections', access('cameras:read'), validate('query', detectionsQuery), async (c) => {
      const id = c.req.param('id');
      requireCamera(id);
      const { from, to } = detRange.resolve(c.req.valid('query'));
      return c.json({ camera: id, from, to, rows: await deps.detections(id, from, to) });
    })
    .get('/:id/tracks', access('cameras:read'), validate('query', tracksQuery), async (c) => {
      const id = c.req.param('id');
      requireCamera(id);
      const q = c.req.valid('query');
      const { from, to } = trackRange.resolve(q);
      return c.json({ camera: id, from, to, tracks: await deps.tracks(id, from * 1000, to * 1000, q.limit) });
    });
}
