import { createReadStream, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { access, type ApiEnv } from './access.js';
import { ApiError } from './errors.js';
import type { ApiDeps } from './types.js';
import { validate } from './validate.js';
import { UUID_TEXT } from '../util/ids.js';

/**
 * GET /sessions/:id/video: a file session's video for the audit page, as MP4 (H.264), with HTTP Range
 * (206 partial content, 416 for a range past the end). The file comes from the session's record.
 * GET /sessions/:id/timeline: the session's timeline and events in video time (issue 19).
 */
export function sessionVideoRoutes(deps: ApiDeps) {
  const idParam = z.strictObject({ id: z.string().regex(UUID_TEXT, 'must be a session id') });
  return new Hono<ApiEnv>()
    .get('/:id/timeline', access('cameras:read'), validate('param', idParam), async (c) => {
      const id = c.req.valid('param').id;
      const t = await deps.sessions.timeline(id);
      if (t === undefined) throw new ApiError(404, 'ERR_NOT_FOUND', `no session "${id}"`);
      if (t === null) throw new ApiError(409, 'ERR_CONFLICT', 'only a file or stream session that has started has a video timeline (a camera session is in its camera\'s time: see its report)');
      return c.json(t);
    })
    .get('/:id/video', access('cameras:read'), validate('param', idParam), async (c) => {
      const id = c.req.valid('param').id;
      const s = await deps.sessions.get(id);
      if (!s) throw new ApiError(404, 'ERR_NOT_FOUND', `no session "${id}"`);
      if (s.kind !== 'file') throw new ApiError(409, 'ERR_CONFLICT', 'a camera session has no video: recordings of live cameras are not kept');
      if (!existsSync(s.source)) throw new ApiError(404, 'ERR_NOT_FOUND', "the session's video file is gone");
      const { path, size } = await deps.sessionVideo.file(id, s.source);
      return sendFile(c, path, size, 'video/mp4');
    });
}

/** A file with HTTP Range (206 partial content, 416 for a range past the end); `extra` headers added. */
export function sendFile(c: Context, path: string, size: number, type: string, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { 'Content-Type': type, 'Accept-Ranges': 'bytes', 'Cache-Control': 'private, max-age=3600', ...extra };
  const range = parseRange(c.req.header('range'), size);
  if (range === 'unsatisfiable') return c.body(null, 416, { ...headers, 'Content-Range': `bytes */${size}` });
  const [start, end] = range ?? [0, size - 1];
  const stream = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>;
  headers['Content-Length'] = String(end - start + 1);
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  return c.body(stream, range ? 206 : 200, headers);
}

/**
 * One `bytes=` range of a `size`-byte file as [start, end] (inclusive); undefined for no header, a
 * malformed one or several ranges (the whole file is sent); 'unsatisfiable' when it starts past the end.
 */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return [start, end];
}
