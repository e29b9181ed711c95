import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import { lineSchema, zoneSchema } from '../config/schema.js';
import { ApiError } from './errors.js';
import { timeParam } from './time-range.js';
import type { ApiDeps } from './types.js';
import { validate } from './validate.js';

/** Analysis sessions: a video file on the appliance, or a camera and a time window. */
export function sessionRoutes(deps: ApiDeps) {
  const fileSession = z
    .strictObject({
      file: z.string().min(1),
      zones: z.array(zoneSchema).max(64).optional(),
      lines: z.array(lineSchema).max(64).optional(),
      /** Use this camera's zones and lines. */
      zones_from: z.string().min(1).optional(),
    })
    .superRefine((b, ctx) => {
      if (!isAbsolute(b.file)) ctx.addIssue({ code: 'custom', path: ['file'], message: 'must be an absolute path on the appliance' });
      else if (!existsSync(b.file) || !statSync(b.file).isFile()) ctx.addIssue({ code: 'custom', path: ['file'], message: 'no such file' });
      if (b.zones_from && !deps.cameraConfig(b.zones_from)) ctx.addIssue({ code: 'custom', path: ['zones_from'], message: `no camera "${b.zones_from}"` });
    });
  const cameraSession = z
    .strictObject({ camera: z.string().min(1), from: timeParam, to: timeParam })
    .superRefine((b, ctx) => {
      if (!deps.cameraConfig(b.camera)) ctx.addIssue({ code: 'custom', path: ['camera'], message: `no camera "${b.camera}"` });
      if (b.from > b.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
    });
  const body = z.union([fileSession, cameraSession]);
  const find = async (id: string) => {
    const s = await deps.sessions.get(id);
    if (!s) throw new ApiError(404, 'ERR_NOT_FOUND', `no session "${id}"`);
    return s;
  };
  return new Hono()
    .post('/', validate('json', body), async (c) => {
      const b = c.req.valid('json');
      if ('file' in b) {
        const src = b.zones_from ? deps.cameraConfig(b.zones_from)! : undefined;
        const shapes = { zones: b.zones ?? src?.zones ?? [], lines: b.lines ?? src?.lines ?? [] };
        return c.json(await deps.sessions.create({ file: b.file, shapes }), 201);
      }
      return c.json(await deps.sessions.create(b), 201);
    })
    .get('/', async (c) => c.json({ sessions: await deps.sessions.list(200) }))
    .get('/:id', async (c) => c.json(await find(c.req.param('id'))))
    .post('/:id/start', async (c) => {
      const r = await deps.sessions.start(c.req.param('id'));
      if (r === undefined) throw new ApiError(404, 'ERR_NOT_FOUND', `no session "${c.req.param('id')}"`);
      if (r === 'not-startable') throw new ApiError(409, 'ERR_CONFLICT', 'only a session that has not started can be started');
      return c.json(r, 202);
    })
    .post('/:id/cancel', async (c) => {
      await find(c.req.param('id'));
      return c.json(await deps.sessions.cancel(c.req.param('id')));
    })
    .delete('/:id', async (c) => {
      if (!(await deps.sessions.remove(c.req.param('id')))) throw new ApiError(404, 'ERR_NOT_FOUND', `no session "${c.req.param('id')}"`);
      return c.body(null, 204);
    });
}
