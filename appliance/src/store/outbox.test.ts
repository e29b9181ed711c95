import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from './database.js';
import { Outbox } from './outbox.js';

describe('Outbox', () => {
  it('hands out due messages in order, retries failures with backoff, and drops (counting) past its bounds', async () => {
    const store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-outbox-')), 'o.db'));
    await migrateToLatest(store.db);
    const o = new Outbox(store.raw);
    const ids = [1, 2, 3, 4, 5].map((n) => o.enqueue('mqtt', 't', { n }, { now: 1000 * n }));
    expect(new Set(ids).size).toBe(5);
    const due = o.due('mqtt', 10_000);
    expect(due.map((m) => (JSON.parse(m.payload) as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
    expect(JSON.parse(due[0]!.payload)).toEqual({ id: ids[0], n: 1 });
    o.markDelivered(due[0]!.id, 10_000);
    o.markFailed(due[1]!, 10_000); // retried 1 s later, and nothing overtakes it meanwhile
    expect(o.due('mqtt', 10_500)).toEqual([]);
    expect(o.due('mqtt', 11_000).map((m) => m.id)).toEqual([due[1]!.id, due[2]!.id, due[3]!.id, due[4]!.id]);
    o.markDead(due[1]!.id, 'refused', 11_000); // a message refused for good no longer blocks the line
    expect(o.due('mqtt', 11_000).map((m) => m.id)).toEqual([due[2]!.id, due[3]!.id, due[4]!.id]);
    expect(o.failedCount('mqtt')).toBe(1);
    expect(o.depth('mqtt', 10_000)).toEqual({ messages: 3, oldestAgeSeconds: 7 });
    expect(o.due('other', 10_000)).toEqual([]);
    // Bounds at t = 10 s: nothing older than 6.5 s (drops n = 3), then at most 1 undelivered (drops n = 4).
    expect(o.enforceBounds(1, 6_500, 10_000)).toBe(2);
    expect(o.dropped).toBe(2);
    expect(o.due('mqtt', 20_000).map((m) => (JSON.parse(m.payload) as { n: number }).n)).toEqual([5]);
    await store.close();
  });
});
