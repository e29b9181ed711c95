/**
 * Failed logins per client address and per username in a sliding minute: past the limit, further
 * attempts are refused (without checking the password) until the oldest failure is a minute old.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds to wait before `keys` may try again, or 0. */
  retryAfter(keys: string[]): number {
    const t = this.now();
    let wait = 0;
    for (const k of keys) {
      const list = this.recent(k, t);
      if (list.length >= this.limit) wait = Math.max(wait, Math.ceil((list[0]! + this.windowMs - t) / 1000));
    }
    return wait;
  }

  fail(keys: string[]): void {
    const t = this.now();
    for (const k of keys) {
      const list = this.recent(k, t);
      list.push(t);
      if (list.length > this.limit) list.shift();
      this.failures.set(k, list);
    }
    if (this.failures.size > 10_000) this.sweep(t);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, t: number): number[] {
    return (this.failures.get(key) ?? []).filter((x) => x > t - this.windowMs);
  }

  private sweep(t: number): void {
    for (const [k, list] of this.failures) if (!list.some((x) => x > t - this.windowMs)) this.failures.delete(k);
  }
}
