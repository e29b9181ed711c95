/**
 * The answers of the AI-service contract (routes in ai-service.ts): their zod schemas (for the OpenAPI
 * document and the contract test) and how each is read off a session and its stored report. Every
 * number comes from the native session and report, so the two APIs cannot disagree.
 */
import { z } from 'zod';
import { maxOf, resample, type HeatmapGrid } from '../analytics/heatmap.js';
import type { ReportBody } from '../analytics/report-builder.js';
import type { SessionView } from '../analytics/session-view.js';
import { diagnosticParamsSchema } from '../util/diagnostic.js';

export const CONTRACT_TAG = 'AI service';
export const CONTRACT_TAG_DESCRIPTION =
  'The video-analytics backend\'s AI-service contract: start an analysis of a file or a stream URL, poll it, read its analytics and heatmap, and store a report. A thin adapter over /api/v1/sessions and /api/v1/reports (the same ids and numbers).';

/** Status vocabulary of the contract. */
export const ANALYSIS_STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

const classCounts = z.record(z.string(), z.number().int());
const detections = z.record(z.string(), z.strictObject({ detections: z.number().int(), frames: z.number().int() })).describe('per class: detections at or above the confidence threshold, and frames with at least one');

export const statusSchema = z.strictObject({
  session_id: z.string(),
  status: z.enum(ANALYSIS_STATUSES),
  progress: z.number().min(0).max(100),
  error: z.string().nullable(),
  error_code: z.string().nullable().describe('the error as a stable code (e.g. file_not_found, no_video_stream, unsupported_codec, connection_refused, cancelled, other); its text stays in `error`'),
  error_params: diagnosticParamsSchema.nullable().describe("the code's figures (e.g. { seconds: 5 } for a timeout)"),
  source_type: z.enum(['file', 'stream', 'camera']),
  source_path: z.string().describe('the file, the stream URL (credentials hidden) or the camera id'),
  duration: z.number().nullable().describe('seconds analysed at most (null: the whole file)'),
  confidence_threshold: z.number().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  report_id: z.string().nullable().describe('the native report (GET /api/v1/reports/{id}) once completed'),
  result: z
    .strictObject({ frames: z.number().int(), seconds: z.number(), fps: z.number(), width: z.number().int(), height: z.number().int(), source_fps: z.number(), detections })
    .nullable()
    .describe('what the analysis measured, once completed'),
});
export type StatusAnswer = z.infer<typeof statusSchema>;

const zoneSchema = z.strictObject({
  camera: z.string(),
  zone: z.string(),
  name: z.string().optional().describe('the zone\'s display name'),
  entries: z.number().int(),
  exits: z.number().int(),
  by_class: z.record(z.string(), z.strictObject({ entries: z.number().int(), exits: z.number().int() })),
  peak_occupancy: z.strictObject({ value: z.number(), at: z.string().nullable() }),
  dwell_seconds: z.strictObject({ visits: z.number().int(), average: z.number().nullable(), median: z.number().nullable(), p95: z.number().nullable() }),
});
const lineSchema = z.strictObject({
  camera: z.string(),
  line: z.string(),
  name: z.string().optional().describe('the line\'s display name'),
  in: z.number().int(),
  out: z.number().int(),
  by_class: z.record(z.string(), z.strictObject({ in: z.number().int(), out: z.number().int() })),
});
const timelineSchema = z.array(
  z.strictObject({
    time: z.string(),
    tracks: z.number().int(),
    visitors: z.number().int().optional().describe('visitors (tracks stitched into people) first seen in the bucket; absent from reports stored before visitors were counted'),
    entries: z.number().int(),
    exits: z.number().int(),
    crossings_in: z.number().int(),
    crossings_out: z.number().int(),
    max_occupancy: z.number(),
    coverage: z.number().nullable().describe('share of the minute a live camera was online and analysed at its fps; null for a file or stream session'),
    low_coverage: z.boolean(),
  }),
);
const tracksSchema = z.strictObject({ total: z.number().int(), by_class: classCounts }).describe('distinct tracked objects, in all and per class');
const visitorsSchema = z
  .strictObject({ total: z.number().int(), by_class: classCounts })
  .optional()
  .describe('distinct visitors (a person\'s tracks stitched into one identity), in all and per class; absent from reports stored before visitors were counted');

export const analyticsSchema = z.strictObject({
  session_id: z.string(),
  report_id: z.string(),
  from: z.string(),
  to: z.string(),
  resolution_seconds: z.number().int(),
  tracks: tracksSchema,
  visitors: visitorsSchema,
  detections,
  zones: z.array(zoneSchema),
  lines: z.array(lineSchema),
  timeline: timelineSchema,
});
export type AnalyticsAnswer = z.infer<typeof analyticsSchema>;

const gridSchema = z.array(z.array(z.number())).describe('height rows (top first) of width numbers: object-seconds of presence per cell');

export const heatmapSchema = z.strictObject({
  session_id: z.string(),
  kind: z.literal('presence'),
  width: z.number().int(),
  height: z.number().int(),
  max: z.number(),
  total: z.number().describe('sum of all cells (the same at any width and height)'),
  grid: gridSchema,
});
export type HeatmapAnswer = z.infer<typeof heatmapSchema>;

export const REPORT_TYPES = ['summary', 'detailed'] as const;

export const reportSchema = z.strictObject({
  report_id: z.string().describe('the stored report: GET /api/v1/reports/{id}'),
  session_id: z.string(),
  report_type: z.enum(REPORT_TYPES),
  created_at: z.string(),
  from: z.string(),
  to: z.string(),
  summary: z.strictObject({
    tracks: tracksSchema,
    visitors: visitorsSchema,
    detections,
    zones: z.array(z.strictObject({ zone: z.string(), entries: z.number().int(), exits: z.number().int(), peak_occupancy: z.number() })),
    lines: z.array(z.strictObject({ line: z.string(), in: z.number().int(), out: z.number().int() })),
  }),
  details: z.strictObject({ zones: z.array(zoneSchema), lines: z.array(lineSchema) }).optional().describe('report_type detailed: zones and lines by class, with dwell times'),
  heatmap: z.strictObject({ kind: z.literal('presence'), width: z.number().int(), height: z.number().int(), max: z.number(), total: z.number(), grid: gridSchema }).optional().describe('include_heatmap'),
  timeline: timelineSchema.optional().describe('include_timeline'),
});
export type ReportAnswer = z.infer<typeof reportSchema>;

/** The contract's status of a session; `active`: its analysis is under way (not waiting for another). */
export function statusOf(s: SessionView, active: boolean): { status: AnalysisStatus; error: string | null } {
  switch (s.status) {
    case 'created':
      return { status: 'queued', error: null };
    case 'running':
      return { status: active ? 'processing' : 'queued', error: null };
    case 'completed':
      return { status: 'completed', error: null };
    case 'failed':
      return { status: 'failed', error: s.error ?? 'failed' };
    case 'cancelled':
      return { status: 'failed', error: 'cancelled' };
  }
}

export function statusAnswer(s: SessionView, active: boolean): StatusAnswer {
  return {
    session_id: s.id,
    ...statusOf(s, active),
    error_code: s.error_code,
    error_params: s.error_params,
    progress: s.progress,
    source_type: s.kind,
    source_path: s.source,
    duration: s.duration,
    confidence_threshold: s.count_threshold,
    created_at: s.created_at,
    started_at: s.started_at,
    finished_at: s.finished_at,
    report_id: s.report_id,
    result: s.summary,
  };
}

export function analyticsAnswer(s: SessionView, reportId: string, body: ReportBody): AnalyticsAnswer {
  return {
    session_id: s.id,
    report_id: reportId,
    from: body.from,
    to: body.to,
    resolution_seconds: body.resolution_seconds,
    tracks: body.tracks,
    ...(body.visitors ? { visitors: body.visitors } : {}),
    detections: s.summary?.detections ?? {},
    zones: body.zones,
    lines: body.lines,
    timeline: body.timeline,
  };
}

/** The report's presence heatmap (summed over its cameras) at width × height, as rows; zeros when it has none. */
export function heatmapOf(body: ReportBody, width: number, height: number): Omit<HeatmapAnswer, 'session_id'> {
  let sum: HeatmapGrid | undefined;
  for (const h of body.heatmaps) {
    const g = resample({ width: h.width, height: h.height, values: Float32Array.from(h.values) }, width, height);
    if (sum) for (let i = 0; i < g.values.length; i++) sum.values[i] = sum.values[i]! + g.values[i]!;
    else sum = g;
  }
  const grid = sum ?? { width, height, values: new Float32Array(width * height) };
  const rows: number[][] = [];
  let total = 0;
  for (let r = 0; r < height; r++) {
    const row = Array.from(grid.values.subarray(r * width, (r + 1) * width), (v) => Math.round(v * 10_000) / 10_000);
    for (const v of row) total += v;
    rows.push(row);
  }
  return { kind: 'presence', width, height, max: Math.round(maxOf(grid) * 10_000) / 10_000, total: Math.round(total * 100) / 100, grid: rows };
}

export function reportAnswer(
  s: SessionView,
  report: { id: string; created_at: string; body: ReportBody },
  opts: { type: (typeof REPORT_TYPES)[number]; heatmap: boolean; timeline: boolean; gridSize: { width: number; height: number } },
): ReportAnswer {
  const b = report.body;
  // The heatmap at the size it was accumulated (the configured grid).
  const size = b.heatmaps[0] ?? opts.gridSize;
  return {
    report_id: report.id,
    session_id: s.id,
    report_type: opts.type,
    created_at: report.created_at,
    from: b.from,
    to: b.to,
    summary: {
      tracks: b.tracks,
      ...(b.visitors ? { visitors: b.visitors } : {}),
      detections: s.summary?.detections ?? {},
      zones: b.zones.map((z) => ({ zone: z.zone, entries: z.entries, exits: z.exits, peak_occupancy: z.peak_occupancy.value })),
      lines: b.lines.map((l) => ({ line: l.line, in: l.in, out: l.out })),
    },
    ...(opts.type === 'detailed' ? { details: { zones: b.zones, lines: b.lines } } : {}),
    ...(opts.heatmap ? { heatmap: heatmapOf(b, size.width, size.height) } : {}),
    ...(opts.timeline ? { timeline: b.timeline } : {}),
  };
}
