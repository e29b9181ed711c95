import type { Logger } from '../logger.js';

/** Something that buffers rows in memory and writes them in one transaction when asked. */
export interface Flushable {
  name: string;
  /** How often it is written while running. */
  everyMs: number;
  /** Writes what is due (`final`: everything, at shutdown). */
  flush(final: boolean): Promise<unknown>;
}

/**
 * The one timer that writes buffered rows to SQLite: finished tracks, per-second detection counts,
 * analytics (events, minute counts, heatmaps), each at its own period, and everything at stop. A
 * failing write is logged; the sink keeps its rows for the next round.
 */
export class Flusher {
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private tickMs = 1000;
  private running: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly sinks: readonly Flushable[],
    private readonly log: Logger,
  ) {}

  start(): void {
    this.tickMs = Math.min(1000, ...this.sinks.map((s) => s.everyMs));
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  /** Stops the timer and writes everything. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.flush(this.sinks, true);
  }

  private tick(): void {
    const n = ++this.ticks;
    if (this.busy) return;
    const due = this.sinks.filter((s) => n % Math.max(1, Math.round(s.everyMs / this.tickMs)) === 0);
    if (!due.length) return;
    this.busy = true;
    this.running = this.flush(due, false).finally(() => (this.busy = false));
  }

  private async flush(sinks: readonly Flushable[], final: boolean): Promise<void> {
    for (const s of sinks) {
      try {
        await s.flush(final);
      } catch (err) {
        this.log.error({ err, sink: s.name }, 'writing buffered rows failed');
      }
    }
  }
}
