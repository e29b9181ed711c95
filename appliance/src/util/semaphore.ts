/**
 * At most `limit` tasks at a time; the rest wait in arrival order. `peak` is the most that ever ran
 * together (what a test checks, and what the daemon can report).
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  peak = 0;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, not ${limit}`);
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    this.peak = Math.max(this.peak, this.running);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the place passes straight to the next task: `running` stays the same
      else this.running--;
    }
  }
}
