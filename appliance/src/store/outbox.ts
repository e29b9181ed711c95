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
  private readonly pending: SQLite.Statement<[string, number, number], { id: number; topic: string; payload: string; qos: number; retain: number; attempts: number }>;
  private readonly delivered: SQLite.Statement<[number, number]>;
  private readonly failed: SQLite.Statement<[number, number]>;
  private readonly depthStmt: SQLite.Statement<[string], { n: number; oldest: number | null }>;
  dropped = 0;

  constructor(private readonly raw: SQLite.Database) {
    this.insert = raw.prepare('INSERT INTO outbox (channel, topic, payload, qos, retain, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.pending = raw.prepare('SELECT id, topic, payload, qos, retain, attempts FROM outbox WHERE channel = ? AND delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?');
    this.delivered = raw.prepare('UPDATE outbox SET delivered_at = ? WHERE id = ?');
    this.failed = raw.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?');
    this.depthStmt = raw.prepare('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE channel = ? AND delivered_at IS NULL');
  }

  /** Stores a message; `body` gets a unique `id` and is sent as JSON. Returns that id. */
  enqueue(channel: string, topic: string, body: Record<string, unknown>, opts: { qos?: 0 | 1; retain?: boolean; now: number }): string {
    const id = randomUUID();
    this.insert.run(channel, topic, JSON.stringify({ id, ...body }), opts.qos ?? 1, opts.retain ? 1 : 0, opts.now, opts.now);
    return id;
  }

  /** Undelivered messages due now, oldest first. */
  due(channel: string, now: number, limit = 100): OutboxMessage[] {
    return this.pending.all(channel, now, limit).map((r) => ({ id: r.id, topic: r.topic, payload: r.payload, qos: r.qos === 0 ? 0 : 1, retain: r.retain === 1, attempts: r.attempts }));
  }

  markDelivered(id: number, now: number): void {
    this.delivered.run(now, id);
  }

  /** Backoff 1 s doubling to 60 s. */
  markFailed(m: OutboxMessage, now: number): void {
    this.failed.run(now + Math.min(60_000, 1000 * 2 ** m.attempts), m.id);
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
      let dropped = this.raw.prepare('DELETE FROM outbox WHERE delivered_at IS NULL AND created_at < ?').run(now - maxAgeMs).changes;
      const n = (this.raw.prepare('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL').get() as { n: number }).n;
      if (n > maxMessages) {
        dropped += this.raw
          .prepare('DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ?)')
          .run(n - maxMessages).changes;
      }
      this.raw.prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?').run(now - 86_400_000);
      return dropped;
    });
    const dropped = tx();
    this.dropped += dropped;
    return dropped;
  }
}
