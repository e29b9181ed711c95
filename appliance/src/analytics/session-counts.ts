/**
 * What the appliance counted in a stored analysis session — the line crossings and visitors it
 * wrote while analysing the session's video — for `vantage eval-counts --session`, which compares
 * them with the same counting rules run on the video's ground truth.
 */
import type { Kysely } from 'kysely';
import { VantageError } from '../errors.js';
import type { Database } from '../store/schema.js';
import type { LineCounts } from './count-eval.js';
import { VISITORS_KIND } from './engines/zones.js';
import { view, type SessionView } from './session-view.js';

export interface SessionCounts {
  session: SessionView & { summary: NonNullable<SessionView['summary']> };
  /** Per line of the session: crossings counted in each direction. */
  counts: Map<string, LineCounts>;
  /** Distinct visitors first seen during the session. */
  visitors: number;
  /** Finished tracks the session stored. */
  tracks: number;
}

/** The stored counts of a completed file session with lines; a clear error otherwise. */
export async function sessionCounts(db: Kysely<Database>, id: string): Promise<SessionCounts> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new VantageError('ERR_USAGE', `--session: no session "${id}" in this database`);
  const s = view(row);
  if (s.kind !== 'file') throw new VantageError('ERR_USAGE', `--session ${id} is a ${s.kind} session; only a file session has the video the ground truth describes`);
  if (s.status !== 'completed' || s.summary === null) throw new VantageError('ERR_USAGE', `--session ${id} is ${s.status}, not completed: its counts are not final`);
  if (s.shapes.lines.length === 0) throw new VantageError('ERR_USAGE', `--session ${id} has no lines: nothing was counted`);
  const camera = `session-${id}`;
  const counts = new Map<string, LineCounts>(s.shapes.lines.map((l) => [l.id, { in: 0, out: 0 }]));
  let visitors = 0;
  const rows = await db
    .selectFrom('counts_minute')
    .select(['kind', 'target', 'crossings_in', 'crossings_out', 'entries'])
    .where('camera_id', '=', camera)
    .where('kind', 'in', ['line', VISITORS_KIND])
    .execute();
  for (const r of rows) {
    if (r.kind === VISITORS_KIND) visitors += r.entries;
    else {
      const c = counts.get(r.target);
      if (c) {
        c.in += r.crossings_in;
        c.out += r.crossings_out;
      }
    }
  }
  const tracks = await db.selectFrom('tracks').select((eb) => eb.fn.countAll<number>().as('n')).where('camera_id', '=', camera).executeTakeFirstOrThrow();
  return { session: { ...s, summary: s.summary }, counts, visitors, tracks: Number(tracks.n) };
}
