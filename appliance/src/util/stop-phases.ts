/**
 * The phases of a shutdown, timed: each runs to its end even when another failed (a failure is kept,
 * not thrown on the spot), so the ones after it (flushing rows, closing the store) still run. What
 * each took goes into the "stopped" log line, so a slow stop names its slow part.
 */
export class StopPhases {
  /** Milliseconds each phase took, by name, in the order they finished. */
  readonly ms: Record<string, number> = {};
  readonly errors: Array<{ phase: string; err: unknown }> = [];
  private readonly t0 = performance.now();

  /** Runs one phase (synchronous or not); resolves when it ends, whether it succeeded or failed. */
  async run(name: string, fn: () => unknown): Promise<void> {
    const t = performance.now();
    try {
      await fn();
    } catch (err) {
      this.errors.push({ phase: name, err });
    } finally {
      this.ms[name] = Math.round(performance.now() - t);
    }
  }

  /** Runs phases side by side; resolves when all have ended. */
  async all(phases: Record<string, () => unknown>): Promise<void> {
    await Promise.all(Object.entries(phases).map(([name, fn]) => this.run(name, fn)));
  }

  /** Milliseconds since the shutdown began. */
  get totalMs(): number {
    return Math.round(performance.now() - this.t0);
  }
}
