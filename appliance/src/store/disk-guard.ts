import { statfs } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** Free space of the database's file system as the API and /readyz show it. */
export interface DiskState {
  /** False while free space is under `min_free_mb` (or unknown). */
  ok: boolean;
  total_mb: number | null;
  free_mb: number | null;
  min_free_mb: number;
  /** ISO time the space first ran low in this episode, null while ok. */
  low_since: string | null;
  /** Rows deleted to make room since start, and when last. */
  reclaimed_rows: number;
  last_reclaim_at: string | null;
  /** MiB of recorded video (issue 17); null without recordings. */
  recordings_mb: number | null;
}

export interface DiskGuardOptions {
  /** A folder on the database's file system. */
  dir: string;
  minFreeMb: number;
  intervalMs: number;
  /**
   * Makes room when space runs low (retention now, then the bulkiest raw rows); returns rows
   * deleted. Called once per check while low.
   */
  reclaim(): Promise<number>;
  clock: Clock;
  log: Logger;
  /** Bytes of recorded video (recordings/): reported beside free space; low space deletes the oldest first (through `reclaim`). */
  recordingsBytes?: () => number;
}

/**
 * Watches free space where the database lives. Under `storage.min_free_mb` the appliance keeps
 * analysing, reports the condition (GET /readyz `checks.disk`, GET /api/v1/system `disk`) and makes
 * room; SQLite itself never corrupts on a full disk (a write that cannot be stored fails and is
 * rolled back), so this is about keeping the newest data, not about safety.
 */
export class DiskGuard {
  private timer: NodeJS.Timeout | undefined;
  private current: DiskState;
  private checking: Promise<DiskState> | undefined;
  private stopped = false;

  constructor(private readonly opts: DiskGuardOptions) {
    this.current = { ok: true, total_mb: null, free_mb: null, min_free_mb: opts.minFreeMb, low_since: null, reclaimed_rows: 0, last_reclaim_at: null, recordings_mb: null };
  }

  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), this.opts.intervalMs);
    this.timer.unref();
  }

  /**
   * No more checks; resolves when the one in flight (if any) has ended, so the database it reads can
   * close after it. A check that was waiting for the file system when stop came reads nothing more.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.checking?.catch(() => undefined);
  }

  state(): DiskState {
    return { ...this.current };
  }

  /** Reads free space now (and makes room when low); one check at a time. */
  check(): Promise<DiskState> {
    if (this.stopped) return Promise.resolve(this.state());
    this.checking ??= this.checkNow().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkNow(): Promise<DiskState> {
    const { dir, minFreeMb, log, clock } = this.opts;
    let free: number | null = null;
    let total: number | null = null;
    try {
      const st = await statfs(dir);
      free = Math.floor((st.bavail * st.bsize) / 2 ** 20);
      total = Math.round((st.blocks * st.bsize) / 2 ** 20);
    } catch (err) {
      log.warn({ err, dir }, 'cannot read free disk space');
    }
    if (this.stopped) return this.state();
    const low = free !== null && free < minFreeMb;
    const was = this.current;
    this.current = {
      ...was,
      ok: !low,
      total_mb: total,
      free_mb: free,
      low_since: low ? (was.low_since ?? new Date(clock.now()).toISOString()) : null,
      recordings_mb: this.opts.recordingsBytes ? Math.round(this.opts.recordingsBytes() / 2 ** 20) : null,
    };
    if (low && was.ok) log.warn({ free_mb: free, min_free_mb: minFreeMb, dir }, 'disk space low: applying retention and trimming the oldest raw rows; analysis continues');
    if (!low && !was.ok) log.info({ free_mb: free, min_free_mb: minFreeMb }, 'disk space ok again');
    if (low) {
      try {
        const rows = await this.opts.reclaim();
        this.current = { ...this.current, reclaimed_rows: this.current.reclaimed_rows + rows, last_reclaim_at: new Date(clock.now()).toISOString() };
        log.info({ rows, free_mb: free }, 'reclaimed space');
      } catch (err) {
        // On a completely full disk even a DELETE can fail (it needs WAL pages): try again next time.
        log.error({ err }, 'reclaiming disk space failed');
      }
    }
    return this.state();
  }
}

/** The disk's line in /readyz: low space is reported, not fatal (the appliance keeps analysing and makes room). */
export function diskReadiness(d: ReturnType<DiskGuard['state']>): { ok: boolean; detail: string } {
  const free = d.free_mb === null ? 'free space unknown' : `${d.free_mb} MiB free of ${d.total_mb} MiB`;
  return { ok: d.ok, detail: d.ok ? free : `${free}: below storage.min_free_mb (${d.min_free_mb} MiB) since ${d.low_since}; retention applied, ${d.reclaimed_rows} rows reclaimed` };
}
