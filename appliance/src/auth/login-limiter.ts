/**
 * Failed logins in a sliding minute, per key (a client address, or a username at a client address).
 * An attempt is reserved, counted as a failure, before its password is checked, so concurrent guesses
 * cannot all slip in while the first ones are still hashing; a successful attempt gives its
 * reservation back. Past the limit, further attempts are refused (without checking the password) until
 * the oldest failure is a minute old.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds to wait before `keys` may try again, or 0. */
  retryAfter(keys: readonly string[]): number {
    const t = this.now();
    let wait = 0;
    for (const k of keys) {
      const list = this.recent(k, t);
      if (list.length >= this.limit) wait = Math.max(wait, Math.ceil((list[0]! + this.windowMs - t) / 1000));
    }
    return wait;
  }

  /**
   * Takes an attempt for every key, or says how many seconds to wait (nothing taken). The attempt
   * counts as failed unless `succeeded` gives it back.
   */
  reserve(keys: readonly string[]): { wait: number } | { wait: 0; succeeded(): void } {
    const wait = this.retryAfter(keys);
    if (wait > 0) return { wait };
    const t = this.now();
    this.fail(keys, t);
    return {
      wait: 0,
      succeeded: () => {
        for (const k of keys) {
          const list = this.failures.get(k);
          const i = list?.lastIndexOf(t) ?? -1;
          if (i >= 0) list!.splice(i, 1);
        }
      },
    };
  }

  fail(keys: readonly string[], t = this.now()): void {
    for (const k of keys) {
      const list = this.recent(k, t);
      list.push(t);
      if (list.length > this.limit) list.shift();
      this.failures.set(k, list);
    }
    if (this.failures.size > 10_000) this.sweep(t);
  }

  private recent(key: string, t: number): number[] {
    return (this.failures.get(key) ?? []).filter((x) => x > t - this.windowMs);
  }

  private sweep(t: number): void {
    for (const [k, list] of this.failures) if (!list.some((x) => x > t - this.windowMs)) this.failures.delete(k);
  }
}
