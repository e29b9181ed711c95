import { dirname, join } from 'node:path';
import type { Kysely } from 'kysely';
import { Audits } from './analytics/audits.js';
import { CoverageRecorder, coverageTimeline } from './analytics/coverage.js';
import type { ApiDeps, AuditApiDeps } from './api/types.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import { SessionVideo } from './recordings/session-video.js';
import { CoverageStore } from './store/coverage-store.js';
import type { Database } from './store/schema.js';

/**
 * What audits and coverage need, built in one place so the composition root only starts, feeds and
 * stops it: the coverage recorder (a consumer of every live camera's frames), the audits, and the
 * sessions' browser videos (kept in `audit-video/` beside the database).
 */
export function auditServices(opts: {
  db: Kysely<Database>;
  dbPath: string;
  cameras: () => Array<{ id: string; online: boolean; fps: number }>;
  clock: Clock;
  log: Logger;
}) {
  const store = new CoverageStore(opts.db);
  const coverage = new CoverageRecorder(store, opts.cameras, opts.clock, opts.log);
  const sessionVideo = new SessionVideo(join(opts.dbPath === ':memory:' ? process.cwd() : dirname(opts.dbPath), 'audit-video'));
  const audits = new Audits(opts.db, opts.clock);
  const api: AuditApiDeps = {
    audits,
    sessionVideo,
    coverage: (camera, from, to, resolution) => coverageTimeline(store, camera, from, to, resolution, opts.clock.now() / 1000),
  };
  /** The API's view of the running appliance with the audit and coverage routes' parts added. */
  const withApi = (deps: Omit<ApiDeps, keyof AuditApiDeps>): ApiDeps => ({ ...deps, ...api });
  return { coverage, sessionVideo, withApi };
}
