import { randomUUID } from 'node:crypto';
import type SQLite from 'better-sqlite3';

export interface OutboxMessage {
  id: number;
  topic: string;
  /** JSON text; carries `id` (a UUID) so receivers can de-duplicate. */
  payload: string;
  qos: 0 | 1;
  retain: boolean;
  attempts: number;
}

/**
 * The durable outbox: messages are written in SQLite before anything tries to send them, delivered
 * in id order per channel, marked delivered only after the receiver acknowledged, retried with
 * exponential backoff, and bounded by count and age (the oldest undelivered are dropped, counted).
 * Synchronous (better-sqlite3), so enqueueing from the pipeline never awaits.
 */
export class Outbox {
  private readonly insert: SQLite.Statement<[string, string, string, number, number, number, number]>;
  private readonly pending: SQLite.Statement<[string, number], { id: number; topic: string; payload: string; qos: number; retain: number; attempts: number; next_attempt_at: number }>;
  private readonly delivered: SQLite.Statement<[number, number]>;
  private readonly failed: SQLite.Statement<[number, number]>;
  private readonly depthStmt: SQLite.Statement<[string], { n: number; oldest: number | null }>;
  dropped = 0;

  constructor(private readonly raw: SQLite.Database) {
    this.insert = raw.prepare('INSERT INTO outbox (channel, topic, payload, qos, retain, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.pending = raw.prepare('SELECT id, topic, payload, qos, retain, attempts, next_attempt_at FROM outbox WHERE channel = ? AND delivered_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT ?');
    this.delivered = raw.prepare('UPDATE outbox SET delivered_at = ? WHERE id = ?');
    this.failed = raw.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?');
    this.depthStmt = raw.prepare('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE channel = ? AND delivered_at IS NULL AND failed_at IS NULL');
  }

  /** Stores a message; `body` gets a unique `id` and is sent as JSON. Returns that id. */
  enqueue(channel: string, topic: string, body: Record<string, unknown>, opts: { qos?: 0 | 1; retain?: boolean; now: number }): string {
    const id = randomUUID();
    this.insert.run(channel, topic, JSON.stringify({ id, ...body }), opts.qos ?? 1, opts.retain ? 1 : 0, opts.now, opts.now);
    return id;
  }

  /** Stores a message whose payload is sent exactly as given (no id added). */
  enqueueRaw(channel: string, topic: string, payload: string, opts: { qos?: 0 | 1; retain?: boolean; now: number }): void {
    this.insert.run(channel, topic, payload, opts.qos ?? 1, opts.retain ? 1 : 0, opts.now, opts.now);
  }

  /**
   * Undelivered messages due now, oldest first. Head-of-line: while the oldest waits for its retry,
   * nothing after it is due either, so the channel delivers strictly in order.
   */
  due(channel: string, now: number, limit = 100): OutboxMessage[] {
    const rows = this.pending.all(channel, limit);
    const waiting = rows.findIndex((r) => r.next_attempt_at > now);
    return (waiting === -1 ? rows : rows.slice(0, waiting)).map((r) => ({ id: r.id, topic: r.topic, payload: r.payload, qos: r.qos === 0 ? 0 : 1, retain: r.retain === 1, attempts: r.attempts }));
  }

  markDelivered(id: number, now: number): void {
    this.delivered.run(now, id);
  }

  /** Backoff 1 s doubling to 60 s. */
  markFailed(m: OutboxMessage, now: number): void {
    this.failed.run(now + Math.min(60_000, 1000 * 2 ** m.attempts), m.id);
  }

  /** Try again no sooner than `at` (the receiver said when, e.g. Telegram's retry_after). */
  retryAt(m: OutboxMessage, at: number): void {
    this.failed.run(at, m.id);
  }

  /** The receiver refused it for good (a bad chat, a blocked bot): never retried, kept with the reason. */
  markDead(id: number, error: string, now: number): void {
    this.raw.prepare('UPDATE outbox SET failed_at = ?, error = ? WHERE id = ?').run(now, error, id);
  }

  failedCount(channel: string): number {
    return (this.raw.prepare('SELECT COUNT(*) AS n FROM outbox WHERE channel = ? AND failed_at IS NOT NULL AND delivered_at IS NULL').get(channel) as { n: number }).n;
  }

  /** Gives messages that failed for good on a channel another chance (after the channel is fixed). */
  revive(channel: string, now: number): number {
    return this.raw.prepare('UPDATE outbox SET failed_at = NULL, error = NULL, attempts = 0, next_attempt_at = ? WHERE channel = ? AND failed_at IS NOT NULL AND delivered_at IS NULL').run(now, channel).changes;
  }

  depth(channel: string, now: number): { messages: number; oldestAgeSeconds: number } {
    const r = this.depthStmt.get(channel)!;
    return { messages: r.n, oldestAgeSeconds: r.oldest === null ? 0 : Math.round((now - r.oldest) / 1000) };
  }

  /**
   * Drops undelivered messages beyond `maxMessages` or older than `maxAgeMs` (oldest first) and
   * delivered ones older than a day; returns how many undelivered were dropped.
   */
  enforceBounds(maxMessages: number, maxAgeMs: number, now: number): number {
    const tx = this.raw.transaction(() => {
      let dropped = this.raw.prepare('DELETE FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND created_at < ?').run(now - maxAgeMs).changes;
      const n = (this.raw.prepare('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL').get() as { n: number }).n;
      if (n > maxMessages) {
        dropped += this.raw
          .prepare('DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT ?)')
          .run(n - maxMessages).changes;
      }
      this.raw.prepare('DELETE FROM outbox WHERE (delivered_at IS NOT NULL AND delivered_at < ?) OR (failed_at IS NOT NULL AND failed_at < ?)').run(now - 86_400_000, now - 7 * 86_400_000);
      return dropped;
    });
    const dropped = tx();
    this.dropped += dropped;
    return dropped;
  }
}
