import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import { VantageError, type ErrorCode } from '../errors.js';
import { compiledWorker } from '../util/worker-script.js';
import type { ReportBody, ReportRequest } from './report-builder.js';
import type { ReportJob, ReportReply } from './report-worker.js';

/**
 * Runs report builds off the main thread: one worker (started on first use, kept while in use, ended
 * after a minute idle) takes the jobs in order. Without a database file (`:memory:`) or a built
 * worker, `inProcess` builds them on the main thread.
 */
export class ReportRunner {
  private worker: Worker | undefined;
  private next = 1;
  private readonly pending = new Map<number, { resolve(b: ReportBody): void; reject(e: Error): void }>();
  private idle: NodeJS.Timeout | undefined;
  private readonly script: string | undefined;

  constructor(
    private readonly dbPath: string,
    private readonly inProcess: (req: ReportRequest, now: Date) => Promise<ReportBody>,
    private readonly log: Logger,
  ) {
    this.script = dbPath === ':memory:' || dbPath === '' ? undefined : compiledWorker(import.meta.url, 'appliance/src/analytics/report-worker.ts');
  }

  build(req: ReportRequest, now: Date): Promise<ReportBody> {
    if (!this.script) return this.inProcess(req, now);
    const worker = this.start(this.script);
    if (this.idle) clearTimeout(this.idle);
    const id = this.next++;
    return new Promise<ReportBody>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, req, now: now.getTime() } satisfies ReportJob);
    });
  }

  async stop(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private start(script: string): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(script, { workerData: { dbPath: this.dbPath } });
    w.unref();
    w.on('message', (m: ReportReply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (p) 'body' in m ? p.resolve(m.body) : p.reject(new VantageError((m.error.code as ErrorCode | undefined) ?? 'ERR_UNAVAILABLE', m.error.message, m.error.field ? { field: m.error.field } : undefined));
      if (this.pending.size === 0) {
        this.idle = setTimeout(() => void this.stop(), 60_000);
        this.idle.unref();
      }
    });
    const fail = (why: string) => {
      if (this.worker === w) this.worker = undefined;
      this.log.error({ err: why }, 'report worker failed');
      for (const p of this.pending.values()) p.reject(new VantageError('ERR_UNAVAILABLE', `report worker failed: ${why}`));
      this.pending.clear();
    };
    w.on('error', (e) => fail(e.message));
    w.on('exit', (code) => {
      if (this.pending.size) fail(`exited with code ${code}`);
      else if (this.worker === w) this.worker = undefined;
    });
    this.worker = w;
    return w;
  }
}
