/**
 * Builds reports in a worker thread, on its own read-only connection to the database file (WAL lets
 * it read while the main thread writes), so a report over months of rows never stalls the event loop
 * that serves the API, the live view and the cameras.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnly } from '../store/database.js';
import { AnalyticsStore } from '../store/analytics-store.js';
import { buildReport, type ReportBody, type ReportRequest } from './report-builder.js';
import { isVantageError } from '../errors.js';

export interface ReportJob {
  id: number;
  req: ReportRequest;
  /** Unix ms of "generated_at". */
  now: number;
}

export type ReportReply = { id: number; body: ReportBody } | { id: number; error: { message: string; code?: string; field?: string } };

const { dbPath } = workerData as { dbPath: string };
const db = openReadOnly(dbPath);
const store = new AnalyticsStore(db);

parentPort!.on('message', (job: ReportJob) => {
  buildReport(db, store, job.req, new Date(job.now)).then(
    (body) => parentPort!.postMessage({ id: job.id, body } satisfies ReportReply),
    (e: unknown) => {
      const err = isVantageError(e) ? { message: e.message, code: e.code, ...(e.field ? { field: e.field } : {}) } : { message: e instanceof Error ? e.message : String(e) };
      parentPort!.postMessage({ id: job.id, error: err } satisfies ReportReply);
    },
  );
});
