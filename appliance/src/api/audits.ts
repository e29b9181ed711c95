import { Hono } from 'hono';
import { z } from 'zod';
import { basename } from 'node:path';
import { auditsCsv, type AuditNames, type AuditSummary, type AuditTarget } from '../analytics/audits.js';
import { access, principal, type ApiEnv } from './access.js';
import { ApiError } from './errors.js';
import { intText } from './params.js';
import { UUID_TEXT as UUID } from '../util/ids.js';
import type { ApiDeps } from './types.js';
import { validate } from './validate.js';

const MAX_SPAN_S = 86_400;
const MAX_MARKS = 20_000;

/** A time: seconds (a session's video time, or unix seconds for a camera) or an ISO 8601 date-time. */
const timeValue = z.union([
  z.number().finite().min(0).max(1e11),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s) / 1000),
]);

const bad = (field: string, message: string) => new ApiError(400, 'ERR_BAD_REQUEST', `invalid json: ${field}: ${message}`, [{ field, message }]);

/**
 * Count audits: an operator's true crossings of a line against what the appliance counted, per
 * direction, stored, listed (JSON or CSV) and deleted. Operators create and delete; viewers read.
 */
export function auditRoutes(deps: ApiDeps) {
  const body = z
    .strictObject({
      /** A completed file session (its video is what the operator watched); times are seconds into the video. */
      session: z.string().regex(UUID, 'must be a session id').optional(),
      /** Or a camera; times are unix seconds (or ISO). */
      camera: z.string().min(1).max(64).optional(),
      line: z.string().min(1).max(64),
      from: timeValue,
      to: timeValue,
      marks: z.array(z.strictObject({ t: z.number().finite().min(0).max(1e11), direction: z.enum(['in', 'out']) })).max(MAX_MARKS),
      note: z.string().max(500).optional(),
    })
    .superRefine((b, ctx) => {
      const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
      if ((b.session === undefined) === (b.camera === undefined)) issue(['session'], 'give either a session or a camera');
      if (!(b.to > b.from)) issue(['to'], 'must be after from');
      else if (b.to - b.from > MAX_SPAN_S) issue(['to'], 'the range is longer than 24 hours');
      if (b.camera !== undefined) {
        if (!deps.cameraConfig(b.camera)) issue(['camera'], `no camera "${b.camera}"`);
        const now = deps.clock.now() / 1000;
        if (b.to > now + 1) issue(['to'], 'is in the future');
        if (b.from < now - deps.retentionDays().events * 86_400) issue(['from'], `older than the ${deps.retentionDays().events} days of events kept`);
      }
      b.marks.forEach((m, i) => {
        if (m.t < b.from || m.t > b.to) issue(['marks', i, 't'], 'outside the range from–to');
      });
    });
  const listQuery = z.strictObject({
    camera: z.string().min(1).max(80).optional(),
    line: z.string().min(1).max(64).optional(),
    session: z.string().regex(UUID, 'must be a session id').optional(),
    limit: intText().pipe(z.number().int().min(1).max(500)).default(50),
    format: z.enum(['json', 'csv']).default('json'),
  });
  const idParam = z.strictObject({ id: z.string().regex(UUID, 'must be an audit id') });
  const find = async (id: string) => {
    const a = await deps.audits.get(id);
    if (!a) throw new ApiError(404, 'ERR_NOT_FOUND', `no audit "${id}"`);
    return a;
  };
  return new Hono<ApiEnv>()
    .post('/', access('operate'), validate('json', body), async (c) => {
      const b = c.req.valid('json');
      let target: AuditTarget;
      let lines: string[];
      if (b.session !== undefined) {
        const s = await deps.sessions.get(b.session);
        if (!s) throw bad('session', `no session "${b.session}"`);
        if (s.kind !== 'file') throw bad('session', 'only a session of a video file can be audited (recordings of live cameras are not kept)');
        if (s.status !== 'completed') throw bad('session', `the session is ${s.status}, not completed`);
        target = { kind: 'session', session: s.id, videoBaseMs: s.video_base_ms ?? Date.parse(s.created_at) };
        lines = s.shapes.lines.map((l) => l.id);
      } else {
        target = { kind: 'camera', camera: b.camera! };
        lines = deps.cameraConfig(b.camera!)!.lines.map((l) => l.id);
      }
      if (!lines.includes(b.line)) throw bad('line', `no line "${b.line}" on this ${target.kind}`);
      const p = principal(c);
      const audit = await deps.audits.create({ target, line: b.line, from: b.from, to: b.to, marks: b.marks, note: b.note, createdBy: p.name });
      return c.json(named(audit, await auditNames(deps, [audit])), 201);
    })
    .get('/', access('reports:read'), validate('query', listQuery), async (c) => {
      const q = c.req.valid('query');
      const audits = await deps.audits.list(q);
      const names = await auditNames(deps, audits);
      if (q.format === 'csv') return c.body(auditsCsv(audits, names), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="audits.csv"' });
      return c.json({ audits: audits.map((a) => named(a, names)) });
    })
    .get('/:id', access('reports:read'), validate('param', idParam), async (c) => {
      const a = await find(c.req.valid('param').id);
      return c.json(named(a, await auditNames(deps, [a])));
    })
    .delete('/:id', access('operate'), validate('param', idParam), async (c) => {
      if (!(await deps.audits.remove(c.req.valid('param').id))) throw new ApiError(404, 'ERR_NOT_FOUND', `no audit "${c.req.valid('param').id}"`);
      return c.body(null, 204);
    });
}

/** An audit as served: with the names of its camera and line beside their ids. */
function named<A extends AuditSummary>(a: A, names: (a: AuditSummary) => AuditNames): A {
  const n = names(a);
  return { ...a, camera_name: n.camera, line_name: n.line };
}

/**
 * The names the audits JSON and CSV show beside the ids: a camera's and its line's display names from the
 * configuration, a session's video file name and the line's name in the session's shapes; the id
 * where the camera, session or line is gone.
 */
async function auditNames(deps: ApiDeps, audits: readonly AuditSummary[]): Promise<(a: AuditSummary) => AuditNames> {
  const sessions = new Map<string, { camera: string; lines: ReadonlyArray<{ id: string; name?: string | undefined }> } | undefined>();
  for (const id of new Set(audits.map((a) => a.session).filter((s): s is string => s !== null))) {
    const s = await deps.sessions.get(id);
    sessions.set(id, s && { camera: basename(s.source), lines: s.shapes?.lines ?? [] });
  }
  return (a) => {
    const owner = a.session !== null ? sessions.get(a.session) : (() => {
      const c = deps.cameraConfig(a.camera);
      return c && { camera: c.name ?? a.camera, lines: c.lines };
    })();
    const line = owner?.lines.find((l) => l.id === a.line);
    return { camera: owner?.camera ?? a.camera, line: line?.name ?? a.line };
  };
}
