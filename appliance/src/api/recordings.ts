import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { access, type ApiEnv } from './access.js';
import { ApiError } from './errors.js';
import { intText } from './params.js';
import { sendFile } from './session-video.js';
import type { ApiDeps, RecordingsApi } from './types.js';
import { validate } from './validate.js';

/** The widest span of one segment listing, and of one playlist (ms). */
const LIST_MAX_MS = 24 * 3_600_000;
const PLAYLIST_MAX_MS = 6 * 3_600_000;
/** Without `from`: the last hour. */
const DEFAULT_SPAN_MS = 3_600_000;
/** Unix ms up to the year 2286 (13 digits). */
const MS_MAX = 9_999_999_999_999;

export const SEGMENT_PATH = '/api/v1/recordings/segments';

/**
 * Recordings (issue 17), mounted at /api/v1: every route needs `recordings:read` (viewers have it; an
 * API key needs the scope).
 * - GET /cameras/:id/recordings?from&to (unix ms): segments and gaps;
 * - GET /cameras/:id/vod.m3u8?from&to: an HLS VOD playlist whose URIs are /api/v1/recordings/segments/:id.ts
 *   (same origin, so a browser sends its sign-in cookie with them, as with a session's video; ffmpeg and
 *   VLC send the same header they sent for the playlist, e.g. `-headers 'X-API-Key: …'`);
 * - GET /recordings/segments/:id (or :id.ts, as the playlist names it): a segment's MPEG-TS bytes (Range);
 * - GET /events/:id/clip.mp4, GET /notifications/:id/clip.mp4: the event's or alert's clip (Range);
 * - GET /events/:id/thumb.jpg: the event's frame with the object's box.
 */
export function recordingRoutes(deps: ApiDeps) {
  const ms = intText().pipe(z.number().int().min(0).max(MS_MAX));
  const span = (max: number) =>
    z
      .strictObject({ from: ms.optional(), to: ms.optional() })
      .superRefine((q, ctx) => {
        if (q.from !== undefined && q.to !== undefined && q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
        else if (q.from !== undefined && (q.to ?? deps.clock.now()) - q.from > max) ctx.addIssue({ code: 'custom', path: ['from'], message: `at most ${max / 3_600_000} h per request` });
      })
      .transform((q) => {
        const to = q.to ?? (q.from !== undefined ? Math.min(q.from + max, deps.clock.now()) : deps.clock.now());
        return { from: q.from ?? Math.max(0, to - DEFAULT_SPAN_MS), to };
      });
  const idParam = z.strictObject({ id: intText().pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)) });
  // A segment's id may carry `.ts`: ffmpeg's HLS reader (and VLC's) refuse segment URIs without a media extension.
  const segmentParam = z.strictObject({ id: z.string().regex(/^\d{1,15}(\.ts)?$/, 'must be a segment id (digits, optionally with .ts)').transform((v) => Number(v.replace(/\.ts$/, ''))).pipe(z.number().int().min(1)) });
  const cameraParam = z.strictObject({ id: z.string().min(1).max(64) });
  const recordings = (): RecordingsApi => {
    if (!deps.recordings) throw new ApiError(404, 'ERR_NOT_FOUND', 'recordings are not available on this appliance');
    return deps.recordings;
  };
  const requireCamera = (id: string): void => {
    if (!deps.cameras().some((x) => x.id === id)) throw new ApiError(404, 'ERR_NOT_FOUND', `no camera "${id}"`);
  };
  const clipRoute = (kind: 'event' | 'notification') => async (c: Context<ApiEnv>) => {
    const id = Number(c.req.param('id'));
    const r = await recordings().clip(kind, id);
    if ('pending' in r) return c.json({ error: { code: 'ERR_NOT_READY', message: r.pending } }, 409, { 'Retry-After': String(r.retryAfterSeconds) });
    if ('missing' in r) throw new ApiError(404, 'ERR_NOT_FOUND', r.missing);
    return sendFile(c, r.clip.path, r.clip.size, 'video/mp4', { 'X-Clip-Start': String(r.clip.startMs) });
  };
  return new Hono<ApiEnv>()
    .get('/cameras/:id/recordings', access('recordings:read'), validate('param', cameraParam), validate('query', span(LIST_MAX_MS)), (c) => {
      const id = c.req.valid('param').id;
      requireCamera(id);
      const { from, to } = c.req.valid('query');
      return c.json({ camera: id, from, to, ...recordings().segments(id, from, to) });
    })
    .get('/cameras/:id/vod.m3u8', access('recordings:read'), validate('param', cameraParam), validate('query', span(PLAYLIST_MAX_MS)), (c) => {
      const id = c.req.valid('param').id;
      requireCamera(id);
      const { from, to } = c.req.valid('query');
      const text = recordings().playlist(id, from, to, (seg) => `${SEGMENT_PATH}/${seg}.ts`);
      if (text === undefined) throw new ApiError(404, 'ERR_NOT_FOUND', `camera "${id}" has no recording between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}`);
      return c.body(text, 200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'private, no-cache' });
    })
    .get('/recordings/segments/:id', access('recordings:read'), validate('param', segmentParam), (c) => {
      const id = c.req.valid('param').id;
      const f = recordings().segmentFile(id);
      if (!f) throw new ApiError(404, 'ERR_NOT_FOUND', `no recording segment ${id}`);
      return sendFile(c, f.path, f.size, 'video/mp2t');
    })
    .get('/events/:id/clip.mp4', access('recordings:read'), validate('param', idParam), clipRoute('event'))
    .get('/notifications/:id/clip.mp4', access('recordings:read'), validate('param', idParam), clipRoute('notification'))
    .get('/events/:id/thumb.jpg', access('recordings:read'), validate('param', idParam), async (c) => {
      const r = await recordings().thumbnail(c.req.valid('param').id);
      if ('missing' in r) throw new ApiError(404, 'ERR_NOT_FOUND', r.missing);
      return c.body(new Uint8Array(r.jpeg), 200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=3600' });
    });
}
