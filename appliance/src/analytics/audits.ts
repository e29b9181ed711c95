import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../clock.js';
import type { AuditsTable, Database } from '../store/schema.js';
import { csvText } from '../util/csv.js';

export type Direction = 'in' | 'out';

/** An operator's true crossing, or one the appliance counted: `t` in the audit range's unit. */
export interface AuditMark {
  t: number;
  direction: Direction;
}

export interface CountedCrossing extends AuditMark {
  track_id: number | null;
}

/** One direction (or both, `total`): true crossings, the appliance's count, |error| and count accuracy. */
export interface DirectionResult {
  true: number;
  counted: number;
  abs_error: number;
  /** 100 × (1 − |counted − true| / true), at least 0; null when there was no true crossing. */
  accuracy_pct: number | null;
}

export interface AuditSummary {
  id: string;
  created_at: string;
  created_by: string;
  kind: 'session' | 'camera';
  session: string | null;
  /** Where the counts come from: the camera id, or `session-<id>` for a session (as in its report). */
  camera: string;
  line: string;
  /** Session: seconds into the video; camera: unix seconds. */
  from: number;
  to: number;
  note: string | null;
  results: { in: DirectionResult; out: DirectionResult; total: DirectionResult };
  /** Display names of the camera (a session's video file) and line, as the API serves them (ids where gone). */
  camera_name?: string;
  line_name?: string;
}

export type AuditView = AuditSummary & { marks: AuditMark[]; counted: CountedCrossing[] };

/** What to audit: a completed file session (times are seconds into its video) or a camera (unix seconds). */
export type AuditTarget = { kind: 'session'; session: string; videoBaseMs: number } | { kind: 'camera'; camera: string };

export interface AuditInput {
  target: AuditTarget;
  line: string;
  from: number;
  to: number;
  marks: AuditMark[];
  note?: string | undefined;
  createdBy: string;
}

/** Count accuracy in % (one decimal): 1 − |error| / true, at least 0; null without true crossings. */
export function accuracyPct(absError: number, truth: number): number | null {
  return truth > 0 ? Math.round(Math.max(0, 1 - absError / truth) * 1000) / 10 : null;
}

export function directionResult(truth: number, counted: number): DirectionResult {
  const err = Math.abs(counted - truth);
  return { true: truth, counted, abs_error: err, accuracy_pct: accuracyPct(err, truth) };
}

/**
 * Count audits: the operator's marks of true crossings of one line over a range, beside the
 * line.cross events the appliance stored for that line and range (bounds included), per direction.
 */
export class Audits {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async create(input: AuditInput): Promise<AuditView> {
    const { target, line, from, to } = input;
    const camera = target.kind === 'session' ? `session-${target.session}` : target.camera;
    // Event times are unix ms; a session's are its video base + the offset into the video.
    const base = target.kind === 'session' ? target.videoBaseMs : 0;
    const events = await this.db
      .selectFrom('events')
      .select(['ts', 'direction', 'track_id'])
      .where('camera_id', '=', camera)
      .where('type', '=', 'line.cross')
      .where('target', '=', line)
      .where('ts', '>=', Math.ceil(base + from * 1000))
      .where('ts', '<=', Math.floor(base + to * 1000))
      .orderBy('ts')
      .orderBy('id')
      .execute();
    const counted: CountedCrossing[] = events.map((e) => ({ t: Math.round(e.ts - base) / 1000, direction: e.direction === 'out' ? 'out' : 'in', track_id: e.track_id }));
    const marks = [...input.marks].sort((a, b) => a.t - b.t);
    const n = (list: AuditMark[], d: Direction) => list.filter((m) => m.direction === d).length;
    const row: AuditsTable = {
      id: randomUUID(),
      created_at: this.clock.now(),
      created_by: input.createdBy,
      kind: target.kind,
      session_id: target.kind === 'session' ? target.session : null,
      camera_id: camera,
      line_id: line,
      range_from: from,
      range_to: to,
      true_in: n(marks, 'in'),
      true_out: n(marks, 'out'),
      counted_in: n(counted, 'in'),
      counted_out: n(counted, 'out'),
      marks: JSON.stringify(marks),
      counted: JSON.stringify(counted),
      note: input.note ?? null,
    };
    await this.db.insertInto('audits').values(row).execute();
    return fullView(row);
  }

  async get(id: string): Promise<AuditView | undefined> {
    const row = await this.db.selectFrom('audits').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fullView(row) : undefined;
  }

  /** Newest first. */
  async list(q: { camera?: string | undefined; line?: string | undefined; session?: string | undefined; limit: number }): Promise<AuditSummary[]> {
    let query = this.db.selectFrom('audits').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(q.limit);
    if (q.camera) query = query.where('camera_id', '=', q.camera);
    if (q.line) query = query.where('line_id', '=', q.line);
    if (q.session) query = query.where('session_id', '=', q.session);
    return (await query.execute()).map(summaryView);
  }

  async remove(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('audits').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

function summaryView(r: Selectable<AuditsTable>): AuditSummary {
  const dIn = directionResult(r.true_in, r.counted_in);
  const dOut = directionResult(r.true_out, r.counted_out);
  const err = dIn.abs_error + dOut.abs_error;
  const truth = r.true_in + r.true_out;
  return {
    id: r.id,
    created_at: new Date(r.created_at).toISOString(),
    created_by: r.created_by,
    kind: r.kind,
    session: r.session_id,
    camera: r.camera_id,
    line: r.line_id,
    from: r.range_from,
    to: r.range_to,
    note: r.note,
    results: {
      in: dIn,
      out: dOut,
      // Σ|error| over both directions against all true crossings.
      total: { true: truth, counted: r.counted_in + r.counted_out, abs_error: err, accuracy_pct: accuracyPct(err, truth) },
    },
  };
}

function fullView(r: Selectable<AuditsTable>): AuditView {
  return { ...summaryView(r), marks: JSON.parse(r.marks) as AuditMark[], counted: JSON.parse(r.counted) as CountedCrossing[] };
}

/** Display names of what an audit counted: the camera's (a session's video file) and the line's. */
export interface AuditNames {
  camera: string;
  line: string;
}

/**
 * Audits as CSV: one row per audit and direction (in, out, total). The ids stay; the names of the
 * camera and line follow at the end of each row (the ids where `names` knows none).
 */
export function auditsCsv(list: readonly AuditSummary[], names: (a: AuditSummary) => AuditNames = (a) => ({ camera: a.camera, line: a.line })): string {
  const head = 'audit,created_at,created_by,kind,session,camera,line,from,to,direction,true,counted,abs_error,accuracy_pct,camera_name,line_name';
  const rows = list.flatMap((a) => {
    const n = names(a);
    return (['in', 'out', 'total'] as const).map((d) => {
      const r = a.results[d];
      return [a.id, a.created_at, csvText(a.created_by), a.kind, a.session ?? '', csvText(a.camera), csvText(a.line), a.from, a.to, d, r.true, r.counted, r.abs_error, r.accuracy_pct ?? '', csvText(n.camera), csvText(n.line)].join(',');
    });
  });
  return [head, ...rows].join('\n') + '\n';
}
