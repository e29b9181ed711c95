import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../config/paths.js';
import { Hono } from 'hono';
import { z } from 'zod';
import { lineSchema, zoneSchema } from '../config/schema.js';
import { ApiError } from './errors.js';
import { spanProblem, timeParam } from './time-range.js';
import { finestResolution, MAX_TIMELINE_BUCKETS } from '../analytics/report-builder.js';
import type { ApiDeps } from './types.js';
import { validate } from './validate.js';
import { access, type ApiEnv } from './access.js';

export const UPLOAD_PATH = '/api/v1/sessions/upload';

/**
 * Why `file` cannot be analysed as a video on the appliance, or undefined when it can: an absolute
 * path the source policy allows (`sourceProblem`: under the media folders), of a file that exists.
 */
export function videoFileProblem(file: string, sourceProblem: (source: string) => string | undefined): string | undefined {
  if (!isAbsolute(file)) return 'must be an absolute path on the appliance';
  const refused = sourceProblem(file);
  if (refused) return refused;
  if (!existsSync(file) || !statSync(file).isFile()) return 'no such file';
  return undefined;
}

/**
 * The manifest of the loaded model a session's `model` names: a model's name (as GET /models lists
 * it) or its manifest's path (absolute, or from the appliance's folder); undefined for any other.
 */
export function loadedModel(model: string, loaded: ReadonlyArray<{ name: string; manifest: string }>): string | undefined {
  const path = resolve(PACKAGE_ROOT, model);
  return (loaded.find((m) => m.name === model) ?? loaded.find((m) => m.manifest === path))?.manifest;
}

/** Analysis sessions: a video file on the appliance (or uploaded), or a camera and a time window. */
export function sessionRoutes(deps: ApiDeps) {
  const uploadQuery = z.strictObject({
    name: z.string().min(1).max(200).regex(/^[A-Za-z0-9._ -]+$/, 'letters, digits, ".", "_", "-" and spaces only'),
    zones_from: z.string().min(1).optional(),
  }).superRefine((q, ctx) => {
    if (q.zones_from && !deps.cameraConfig(q.zones_from)) ctx.addIssue({ code: 'custom', path: ['zones_from'], message: `no camera "${q.zones_from}"` });
  });
  const fileSession = z
    .strictObject({
      file: z.string().min(1),
      zones: z.array(zoneSchema).max(64).optional(),
      lines: z.array(lineSchema).max(64).optional(),
      /** Use this camera's zones and lines. */
      zones_from: z.string().min(1).optional(),
      /** Run on this loaded model (its name, or its manifest's path) instead of detector.model. */
      model: z.string().min(1).max(1024).optional(),
    })
    .superRefine((b, ctx) => {
      if (b.model !== undefined && !loadedModel(b.model, deps.loadedModels())) {
        const names = deps.loadedModels().map((m) => m.name);
        ctx.addIssue({ code: 'custom', path: ['model'], message: `"${b.model}" is not a loaded model (loaded: ${names.join(', ') || 'none'})` });
      }
      const problem = videoFileProblem(b.file, deps.sourceProblem);
      if (problem) ctx.addIssue({ code: 'custom', path: ['file'], message: problem });
      if (b.zones_from && !deps.cameraConfig(b.zones_from)) ctx.addIssue({ code: 'custom', path: ['zones_from'], message: `no camera "${b.zones_from}"` });
    });
  const cameraSession = z
    .strictObject({ camera: z.string().min(1).max(64), from: timeParam, to: timeParam })
    .superRefine((b, ctx) => {
      if (!deps.cameraConfig(b.camera)) ctx.addIssue({ code: 'custom', path: ['camera'], message: `no camera "${b.camera}"` });
      // Bounded like reports: by the retention of the per-minute counts a camera session reads.
      const span = spanProblem(b.from, b.to, deps.retentionDays().minutes);
      if (span) ctx.addIssue({ code: 'custom', path: ['from'], message: span });
      else if (!finestResolution(b.from, b.to)) ctx.addIssue({ code: 'custom', path: ['from'], message: `the range needs more than ${MAX_TIMELINE_BUCKETS} hourly buckets` });
    });
  const body = z.union([fileSession, cameraSession]);
  const find = async (id: string) => {
    const s = await deps.sessions.get(id);
    if (!s) throw new ApiError(404, 'ERR_NOT_FOUND', `no session "${id}"`);
    return s;
  };
  return new Hono<ApiEnv>()
    .post('/', access('operate'), validate('json', body), async (c) => {
      const b = c.req.valid('json');
      if ('file' in b) {
        const src = b.zones_from ? deps.cameraConfig(b.zones_from)! : undefined;
        const shapes = { zones: b.zones ?? src?.zones ?? [], lines: b.lines ?? src?.lines ?? [] };
        const model = b.model === undefined ? undefined : loadedModel(b.model, deps.loadedModels());
        return c.json(await deps.sessions.create({ file: b.file, shapes, ...(model ? { model } : {}) }), 201);
      }
      return c.json(await deps.sessions.create(b), 201);
    })
    // The request body is the video itself (any content type), streamed to disk under the upload limit.
    .post('/upload', access('operate'), validate('query', uploadQuery), async (c) => {
      const q = c.req.valid('query');
      const body = c.req.raw.body;
      if (!body) throw new ApiError(400, 'ERR_BAD_REQUEST', 'the request body must be the video', [{ field: 'body', message: 'empty' }]);
      const declared = Number(c.req.header('content-length'));
      const saved = await deps.saveUpload(q.name, body, Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined);
      if (!saved.ok) {
        const why = {
          size: { status: 413, code: 'ERR_TOO_LARGE', message: `over ${saved.limitMb} MiB` },
          count: { status: 409, code: 'ERR_CONFLICT', message: `${saved.maxUploads} uploaded videos are kept already (storage.max_uploads); delete a session first` },
          space: { status: 413, code: 'ERR_TOO_LARGE', message: `it would leave less than storage.min_free_mb (${saved.minFreeMb} MiB) free on the disk` },
        }[saved.refused];
        // The rest of the body is never read: the connection must not carry another request.
        return c.json(
          { error: { code: why.code, message: `upload refused: ${why.message}`, fields: [{ field: 'body', message: why.message }] } },
          why.status as 409 | 413,
          { Connection: 'close' },
        );
      }
      const src = q.zones_from ? deps.cameraConfig(q.zones_from)! : undefined;
      return c.json(await deps.sessions.create({ file: saved.path, shapes: { zones: src?.zones ?? [], lines: src?.lines ?? [] }, uploaded: true }), 201);
    })
    .get('/', access('cameras:read'), async (c) => c.json({ sessions: await deps.sessions.list(200) }))
    .get('/:id', access('cameras:read'), async (c) => c.json(await find(c.req.param('id'))))
    .post('/:id/start', access('operate'), async (c) => {
      const r = await deps.sessions.start(c.req.param('id'));
      if (r === undefined) throw new ApiError(404, 'ERR_NOT_FOUND', `no session "${c.req.param('id')}"`);
      if (r === 'not-startable') throw new ApiError(409, 'ERR_CONFLICT', 'only a session that has not started can be started');
      return c.json(r, 202);
    })
    .post('/:id/cancel', access('operate'), async (c) => {
      await find(c.req.param('id'));
      return c.json(await deps.sessions.cancel(c.req.param('id')));
    })
    .delete('/:id', access('operate'), async (c) => {
      if (!(await deps.sessions.remove(c.req.param('id')))) throw new ApiError(404, 'ERR_NOT_FOUND', `no session "${c.req.param('id')}"`);
      return c.body(null, 204);
    });
}
