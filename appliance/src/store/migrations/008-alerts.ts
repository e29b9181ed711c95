import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Alert rules and the history of what they fired (with each channel's delivery state); outbox
 * messages that can never be delivered (a bad chat, a blocked bot) are marked failed with the reason;
 * reports get a never-reused sequence number so central servers can pull them with a cursor.
 */
export const alerts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('alert_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('notifications')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('ts', 'integer', (c) => c.notNull())
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('rule_name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('camera_id', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('deliveries', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('notifications_ts').on('notifications').column('ts').execute();
    await db.schema.alterTable('outbox').addColumn('failed_at', 'integer').execute();
    await db.schema.alterTable('outbox').addColumn('error', 'text').execute();
    await db.schema.alterTable('reports').addColumn('seq', 'integer').execute();
    await sql`CREATE TABLE report_seq (seq INTEGER PRIMARY KEY AUTOINCREMENT)`.execute(db);
    await sql`UPDATE reports SET seq = (SELECT COUNT(*) FROM reports r2 WHERE r2.created_at < reports.created_at OR (r2.created_at = reports.created_at AND r2.rowid <= reports.rowid))`.execute(db);
    await sql`INSERT INTO report_seq (seq) SELECT MAX(seq) FROM reports HAVING MAX(seq) IS NOT NULL`.execute(db);
    await sql`CREATE TRIGGER reports_seq AFTER INSERT ON reports BEGIN
      INSERT INTO report_seq (seq) VALUES (NULL);
      UPDATE reports SET seq = last_insert_rowid() WHERE rowid = NEW.rowid;
      DELETE FROM report_seq WHERE seq < last_insert_rowid();
    END`.execute(db);
    await db.schema.createIndex('reports_seq').on('reports').column('seq').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`DROP TRIGGER reports_seq`.execute(db);
    await sql`DROP TABLE report_seq`.execute(db);
    await db.schema.dropTable('notifications').execute();
    await db.schema.dropTable('alert_rules').execute();
  },
};
