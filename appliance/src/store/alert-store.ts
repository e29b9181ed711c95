import { randomUUID } from 'node:crypto';
import type SQLite from 'better-sqlite3';
import type { AlertRule, RuleBody } from '../alerts/rules.js';

/** Per channel: 'queued' | 'delivered' | 'failed: …' | 'quiet hours' | 'off' (telegram: per chat). */
/** Per alert channel (by name): its delivery state, or one state per recipient (Telegram chats). */
export type Deliveries = Record<string, Record<string, string> | string>;

export interface NotificationView {
  id: number;
  time: string;
  rule_id: string;
  rule_name: string;
  type: string;
  camera: string | null;
  message: string;
  details: Record<string, unknown>;
  deliveries: Deliveries;
}

interface NotificationRow {
  id: number;
  ts: number;
  rule_id: string;
  rule_name: string;
  type: string;
  camera_id: string | null;
  message: string;
  details: string;
  deliveries: string;
}

const view = (r: NotificationRow): NotificationView => ({
  id: r.id,
  time: new Date(r.ts).toISOString(),
  rule_id: r.rule_id,
  rule_name: r.rule_name,
  type: r.type,
  camera: r.camera_id,
  message: r.message,
  details: JSON.parse(r.details) as Record<string, unknown>,
  deliveries: JSON.parse(r.deliveries) as Deliveries,
});

/** Alert rules (each a validated JSON body) and the history of notifications they produced. */
export class AlertStore {
  constructor(private readonly raw: SQLite.Database) {}

  rules(): AlertRule[] {
    const rows = this.raw.prepare('SELECT id, body, created_at, updated_at FROM alert_rules ORDER BY created_at, id').all() as Array<{ id: string; body: string; created_at: number; updated_at: number }>;
    return rows.map((r) => ({ ...(JSON.parse(r.body) as RuleBody), id: r.id, created_at: new Date(r.created_at).toISOString(), updated_at: new Date(r.updated_at).toISOString() }));
  }

  rule(id: string): AlertRule | undefined {
    return this.rules().find((r) => r.id === id);
  }

  createRule(body: RuleBody, now: number): AlertRule {
    const id = randomUUID();
    this.raw.prepare('INSERT INTO alert_rules (id, body, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, JSON.stringify(body), now, now);
    return this.rule(id)!;
  }

  replaceRule(id: string, body: RuleBody, now: number): AlertRule | undefined {
    const n = this.raw.prepare('UPDATE alert_rules SET body = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(body), now, id).changes;
    return n ? this.rule(id) : undefined;
  }

  deleteRule(id: string): boolean {
    return this.raw.prepare('DELETE FROM alert_rules WHERE id = ?').run(id).changes > 0;
  }

  addNotification(n: { ts: number; ruleId: string; ruleName: string; type: string; camera: string | null; message: string; details: object; deliveries: Deliveries }): number {
    return Number(
      this.raw
        .prepare('INSERT INTO notifications (ts, rule_id, rule_name, type, camera_id, message, details, deliveries) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(n.ts, n.ruleId, n.ruleName, n.type, n.camera, n.message, JSON.stringify(n.details), JSON.stringify(n.deliveries)).lastInsertRowid,
    );
  }

  /** Records one channel's (or one recipient's, e.g. a Telegram chat) delivery state of a notification. */
  setDelivery(id: number, channel: string, state: string, chat?: string): void {
    this.raw.transaction(() => {
      const row = this.raw.prepare('SELECT deliveries FROM notifications WHERE id = ?').get(id) as { deliveries: string } | undefined;
      if (!row) return;
      const d = JSON.parse(row.deliveries) as Deliveries;
      if (chat !== undefined) d[channel] = { ...(typeof d[channel] === 'object' ? d[channel] : {}), [chat]: state };
      else d[channel] = state;
      this.raw.prepare('UPDATE notifications SET deliveries = ? WHERE id = ?').run(JSON.stringify(d), id);
    })();
  }

  /** Newest first; `cursor` = ids below it. */
  notifications(q: { limit: number; cursor?: number | undefined; camera?: string | undefined; rule?: string | undefined }): NotificationView[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.cursor) (where.push('id < ?'), args.push(q.cursor));
    if (q.camera) (where.push('camera_id = ?'), args.push(q.camera));
    if (q.rule) (where.push('rule_id = ?'), args.push(q.rule));
    const sql = `SELECT * FROM notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.raw.prepare(sql).all(...args, q.limit) as NotificationRow[]).map(view);
  }

  notification(id: number): NotificationView | undefined {
    const r = this.raw.prepare('SELECT * FROM notifications WHERE id = ?').get(id) as NotificationRow | undefined;
    return r && view(r);
  }

  /** Drops history older than `beforeMs`. */
  prune(beforeMs: number): number {
    return this.raw.prepare('DELETE FROM notifications WHERE ts < ?').run(beforeMs).changes;
  }
}
