/**
 * The AI-service contract of the video-analytics backend, so that its existing client (base URL +
 * `X-API-KEY`) can use the appliance in place of its microservice. A thin adapter: an analysis is a
 * native session (file or stream), its analytics and heatmap are read off the session's report, and
 * a generated report is a native stored report. Answer shapes: ai-service-views.ts.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { sourceKind } from '../sources/source-policy.js';
import { access, type ApiEnv } from './access.js';
import {
  analyticsAnswer,
  analyticsSchema,
  CONTRACT_TAG,
  heatmapOf,
  heatmapSchema,
  REPORT_TYPES,
  reportAnswer,
  reportSchema,
  statusAnswer,
  statusSchema,
} from './ai-service-views.js';
import { ApiError } from './errors.js';
import { describeRoute } from './openapi.js';
import { intText } from './params.js';
import { videoFileProblem } from './sessions.js';
import type { ApiDeps } from './types.js';
import { validate } from './validate.js';

/** Bounds of `confidence_threshold`, and its default (the client's). */
export const CONFIDENCE_MIN = 0.05;
export const CONFIDENCE_MAX = 0.95;
export const CONFIDENCE_DEFAULT = 0.5;
/** Largest heatmap side served. */
const MAX_GRID_SIDE = 1024;

const tags = [CONTRACT_TAG];

/** Why `url` cannot be analysed as a stream: it must be a URL a camera could be (the one source policy). */
function streamProblem(url: string, sourceProblem: (source: string) => string | undefined): string | undefined {
  return sourceKind(url) === 'file' ? 'must be an rtsp://, rtsps://, http:// or https:// URL' : sourceProblem(url);
}

async function sessionOf(deps: ApiDeps, id: string) {
  const s = await deps.sessions.get(id);
  if (!s) throw new ApiError(404, 'ERR_NOT_FOUND', `no session "${id}"`);
  return s;
}

/** The session's report, once it completed (409 before: its analytics are not known yet). */
async function reportOf(deps: ApiDeps, id: string) {
  const s = await sessionOf(deps, id);
  const report = s.status === 'completed' && s.report_id ? await deps.reports.get(s.report_id) : undefined;
  if (!report) {
    const why = s.status === 'completed' ? 'its report was deleted' : `it is ${statusAnswer(s, deps.sessions.isActive(s.id)).status}`;
    throw new ApiError(409, 'ERR_CONFLICT', `session "${id}" has no analytics: ${why}`);
  }
  return { session: s, report };
}

/** POST /video/analyze and GET /video/analyze/{session_id}. */
export function videoAnalysisRoutes(deps: ApiDeps) {
  // createApp only stores its dependencies: the configured maximum is read per request.
  const maxSeconds = () => deps.analysisLimits.maxStreamSeconds;
  const body = z
    .strictObject({
      source_type: z.enum(['file', 'stream']),
      /** A file on the appliance, or a stream URL. */
      source_path: z.string().min(1).max(4096),
      /** Seconds to analyse: a stream's length (null: until cancelled, at most the configured maximum); for a file, its first seconds (null: all of it). */
      duration: z.number().positive().nullable().default(null),
      confidence_threshold: z.number().min(CONFIDENCE_MIN).max(CONFIDENCE_MAX).default(CONFIDENCE_DEFAULT),
    })
    .superRefine((b, ctx) => {
      const problem = b.source_type === 'file' ? videoFileProblem(b.source_path, deps.sourceProblem) : streamProblem(b.source_path, deps.sourceProblem);
      if (problem) ctx.addIssue({ code: 'custom', path: ['source_path'], message: problem });
      if (b.duration !== null && b.duration > maxSeconds()) ctx.addIssue({ code: 'custom', path: ['duration'], message: `at most ${maxSeconds()} seconds (analytics.max_stream_seconds)` });
    });
  return new Hono<ApiEnv>()
    .post(
      '/analyze',
      describeRoute({
        tags,
        summary: 'Start an analysis of a file or a stream URL',
        description: 'Creates and starts a session (it appears in /api/v1/sessions); answers at once with its id and status.',
        response: { status: 202, description: 'the analysis, queued or processing', schema: statusSchema },
      }),
      access('analysis:run'),
      validate('json', body),
      async (c) => {
        const b = c.req.valid('json');
        const shapes = { zones: [], lines: [] };
        const created =
          b.source_type === 'file'
            ? await deps.sessions.create({ file: b.source_path, shapes, countThreshold: b.confidence_threshold, ...(b.duration === null ? {} : { durationSeconds: b.duration }) })
            : await deps.sessions.create({ stream: b.source_path, shapes, countThreshold: b.confidence_threshold, durationSeconds: b.duration ?? maxSeconds() });
        const started = await deps.sessions.start(created.id);
        const s = typeof started === 'object' ? started : created;
        return c.json(statusAnswer(s, deps.sessions.isActive(s.id)), 202);
      },
    )
    .get(
      '/analyze/:session_id',
      describeRoute({ tags, summary: 'Status and progress of an analysis; its outcome when done', response: { status: 200, description: 'the analysis', schema: statusSchema } }),
      access('reports:read'),
      async (c) => {
        const s = await sessionOf(deps, c.req.param('session_id'));
        return c.json(statusAnswer(s, deps.sessions.isActive(s.id)));
      },
    );
}

/** GET /reports/sessions/{session_id}/analytics, …/heatmap and POST /reports/generate. */
export function contractReportRoutes(deps: ApiDeps) {
  const size = intText().pipe(z.number().int().min(1).max(MAX_GRID_SIDE));
  const heatmapQuery = z.strictObject({ width: size.default(100), height: size.default(100) });
  const generateBody = z.strictObject({
    session_id: z.string().min(1).max(100),
    report_type: z.enum(REPORT_TYPES).default('summary'),
    include_heatmap: z.boolean().default(false),
    include_timeline: z.boolean().default(false),
  });
  return new Hono<ApiEnv>()
    .get(
      '/sessions/:session_id/analytics',
      describeRoute({ tags, summary: "A completed analysis's analytics: tracks per class, detections, zones, lines, timeline", response: { status: 200, description: 'the analytics of the session report', schema: analyticsSchema } }),
      access('reports:read'),
      async (c) => {
        const { session, report } = await reportOf(deps, c.req.param('session_id'));
        return c.json(analyticsAnswer(session, report.id, report.body));
      },
    )
    .get(
      '/sessions/:session_id/heatmap',
      describeRoute({ tags, summary: "A completed analysis's presence heatmap as a width × height grid", response: { status: 200, description: 'the heatmap', schema: heatmapSchema } }),
      access('reports:read'),
      validate('query', heatmapQuery),
      async (c) => {
        const q = c.req.valid('query');
        const { session, report } = await reportOf(deps, c.req.param('session_id'));
        return c.json({ session_id: session.id, ...heatmapOf(report.body, q.width, q.height) });
      },
    )
    .post(
      '/generate',
      describeRoute({
        tags,
        summary: 'Store a report of a completed analysis',
        description: 'A native stored report (GET /api/v1/reports/{id}) over the same cameras and range as the session report.',
        response: { status: 201, description: 'the stored report', schema: reportSchema },
      }),
      access('analysis:run'),
      validate('json', generateBody),
      async (c) => {
        const b = c.req.valid('json');
        const { session, report: base } = await reportOf(deps, b.session_id).catch((e: unknown) => {
          // The session is named by the body here: a 404 would read as "no such route".
          if (e instanceof ApiError && e.status === 404) throw new ApiError(404, 'ERR_NOT_FOUND', e.message, [{ field: 'session_id', message: 'no such session' }]);
          throw e;
        });
        const body = base.body;
        const stored = await deps.reports.generate('session', body.cameras, Date.parse(body.from) / 1000, Date.parse(body.to) / 1000, body.resolution_seconds);
        const grid = deps.emptyHeatmap();
        return c.json(reportAnswer(session, stored, { type: b.report_type, heatmap: b.include_heatmap, timeline: b.include_timeline, gridSize: grid }), 201);
      },
    );
}
