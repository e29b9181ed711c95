import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Issue 18: an area's occupancy rows (`counts_minute` kind `occupancy`, target `area:<id>`) were
 * stored under the camera of the area's first line, so that camera's reports held an area spanning
 * other cameras. They belong to the site: camera id '@site' (analytics/area-occupancy.ts SITE_ROWS).
 * Old rows move there, summed into any row of the same key already there (peaks: the larger).
 */
const SITE = '@site';

export const siteAreaRows: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      INSERT INTO counts_minute (camera_id, minute, kind, target, class_name, entries, exits, crossings_in, crossings_out, max_occupancy, dwell_sum, visits)
      SELECT ${SITE}, minute, kind, target, class_name, SUM(entries), SUM(exits), SUM(crossings_in), SUM(crossings_out), MAX(max_occupancy), SUM(dwell_sum), SUM(visits)
      FROM counts_minute
      WHERE kind = 'occupancy' AND target LIKE 'area:%' AND camera_id <> ${SITE}
      GROUP BY minute, kind, target, class_name
      ON CONFLICT (camera_id, minute, kind, target, class_name) DO UPDATE SET
        entries = counts_minute.entries + excluded.entries,
        exits = counts_minute.exits + excluded.exits,
        crossings_in = counts_minute.crossings_in + excluded.crossings_in,
        crossings_out = counts_minute.crossings_out + excluded.crossings_out,
        max_occupancy = max(counts_minute.max_occupancy, excluded.max_occupancy),
        dwell_sum = counts_minute.dwell_sum + excluded.dwell_sum,
        visits = counts_minute.visits + excluded.visits
    `.execute(db);
    await sql`DELETE FROM counts_minute WHERE kind = 'occupancy' AND target LIKE 'area:%' AND camera_id <> ${SITE}`.execute(db);
  },
  async down(): Promise<void> {
    // Which camera held an area's rows before is not recorded; they stay under '@site'.
  },
};
