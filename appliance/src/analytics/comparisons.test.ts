import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsStore } from '../store/analytics-store.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../store/database.js';
import { buildReport, timelineCsv, type ReportBody } from './report-builder.js';
import type { AnalysisOptions } from './comparisons.js';
import { nextDaily, startOfLocalDay } from './reports.js';

/**
 * Comparisons and the day × hour table against sums the test makes itself from the minute counts it
 * stored, with its own time-zone arithmetic (fixed offsets and the 2026 DST instants written out):
 * Europe/Berlin across both DST changes (29 March and 25 October 2026) and Asia/Kolkata (+05:30).
 */
const H = 3_600_000;
const SPRING = Date.UTC(2026, 2, 29, 1); // Berlin: 02:00 CET → 03:00 CEST
const AUTUMN = Date.UTC(2026, 9, 25, 1); // Berlin: 03:00 CEST → 02:00 CET
const berlinOffset = (ms: number) => (ms >= SPRING && ms < AUTUMN ? 2 * H : H);
const kolkataOffset = () => 5.5 * H;

interface Row { minute: number; camera: string; kind: 'zone' | 'line'; target: string; entries: number; exits: number; cin: number; cout: number }
const rows: Row[] = [];
/** Deterministic counts: some minutes have a zone row and a line row, busier around local midday. */
function fill(fromMs: number, toMs: number) {
  let seed = fromMs / 60_000;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let m = fromMs / 60_000; m < toMs / 60_000; m++) {
    if (rnd() < 0.6) continue;
    const utcHour = Math.floor((m % 1440) / 60);
    const busy = utcHour >= 8 && utcHour < 14 ? 3 : 1;
    rows.push({ minute: m, camera: 'door', kind: 'zone', target: m % 2 ? 'till' : 'shelf', entries: Math.floor(rnd() * 3 * busy), exits: Math.floor(rnd() * 3), cin: 0, cout: 0 });
    rows.push({ minute: m, camera: 'door', kind: 'line', target: 'entrance', entries: 0, exits: 0, cin: Math.floor(rnd() * 4 * busy), cout: Math.floor(rnd() * 4) });
    if (rnd() < 0.2) rows.push({ minute: m, camera: 'other', kind: 'line', target: 'x', entries: 0, exits: 0, cin: 5, cout: 5 });
  }
}

const tot = (fromMs: number, toMs: number) => {
  const t = { entries: 0, exits: 0, crossings_in: 0, crossings_out: 0, arrivals: 0 };
  for (const r of rows) {
    if (r.camera !== 'door' || r.minute * 60_000 < fromMs || r.minute * 60_000 >= toMs) continue;
    t.entries += r.entries;
    t.exits += r.exits;
    t.crossings_in += r.cin;
    t.crossings_out += r.cout;
    t.arrivals += r.entries + r.cin;
  }
  return t;
};
const pct = (now: number, then: number) => (then === 0 ? null : Math.round(((now - then) / then) * 1000) / 10);

/** The day × hour table computed here: local (date, hour) slots from the offset function. */
function table(fromMs: number, toMs: number, offset: (ms: number) => number) {
  const slots = new Map<string, { wd: number; h: number; n: number }>();
  for (let ms = fromMs; ms < toMs; ms += 60_000) {
    const local = new Date(ms + offset(ms));
    const key = `${local.toISOString().slice(0, 10)} ${local.getUTCHours()}`;
    if (!slots.has(key)) slots.set(key, { wd: (local.getUTCDay() + 6) % 7, h: local.getUTCHours(), n: 0 });
  }
  for (const r of rows) {
    const ms = r.minute * 60_000;
    if (r.camera !== 'door' || ms < fromMs || ms >= toMs) continue;
    const local = new Date(ms + offset(ms));
    slots.get(`${local.toISOString().slice(0, 10)} ${local.getUTCHours()}`)!.n += r.entries + r.cin;
  }
  const sum = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const count = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  let peak: { key: string; n: number } | undefined;
  for (const [key, s] of slots) {
    sum[s.wd]![s.h]! += s.n;
    count[s.wd]![s.h]!++;
    if (s.n > 0 && (!peak || s.n > peak.n)) peak = { key, n: s.n };
  }
  return { average: sum.map((r, d) => r.map((v, h) => (count[d]![h] ? Math.round((v / count[d]![h]!) * 100) / 100 : null))), slots: count, peak };
}

describe('report comparisons and the day × hour table (real SQLite file, site time zone)', () => {
  let store: OpenedDatabase;
  const report = (fromMs: number, toMs: number, analysis: AnalysisOptions) =>
    buildReport(store.db, new AnalyticsStore(store.db), { cameras: ['door'], from: fromMs / 1000, to: toMs / 1000, resolution: 3600, analysis }, new Date(Date.UTC(2026, 11, 1)));
  /** A report with the table, whose table must equal the one computed here with `offset`. */
  const tableReport = async (fromMs: number, toMs: number, timezone: string, offset: (ms: number) => number, compare: { previous: boolean; weeks: number }) => {
    const body = await report(fromMs, toMs, { timezone, ...compare, dayHour: true });
    const mine = table(fromMs, toMs, offset);
    expect(body.day_hour!.average).toEqual(mine.average);
    expect(body.day_hour!.slots).toEqual(mine.slots);
    return { body, mine };
  };

  beforeAll(async () => {
    fill(Date.UTC(2026, 2, 14), Date.UTC(2026, 3, 8));
    fill(Date.UTC(2026, 9, 10), Date.UTC(2026, 9, 28));
    fill(Date.UTC(2026, 5, 1), Date.UTC(2026, 5, 16));
    store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-cmp-')), 'c.db'));
    await migrateToLatest(store.db);
    const ins = store.raw.prepare('INSERT INTO counts_minute (camera_id, minute, kind, target, class_name, entries, exits, crossings_in, crossings_out, max_occupancy, dwell_sum, visits) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)');
    store.raw.transaction(() => {
      for (const r of rows) ins.run(r.camera, r.minute, r.kind, r.target, 'person', r.entries, r.exits, r.cin, r.cout);
    })();
  });
  afterAll(async () => store?.close());

  it('compares the 23-hour spring DST day with the day before and the same weekday a week before (Berlin)', async () => {
    // Sunday 29 March 2026, local midnight to local midnight: 2026-03-28T23:00Z → 2026-03-29T22:00Z.
    const from = Date.UTC(2026, 2, 28, 23);
    const to = Date.UTC(2026, 2, 29, 22);
    expect(startOfLocalDay(to - 1, 'Europe/Berlin')).toBe(from);
    const body = await report(from, to, { timezone: 'Europe/Berlin', previous: true, weeks: 2, dayHour: false });
    const now = tot(from, to);
    expect(body.time_zone).toBe('Europe/Berlin');
    expect(body.totals).toEqual(now);
    const [prev, w1, w2] = body.comparisons!;
    // The day before (Saturday 28 March, 24 h of CET) and the Sundays before (22 and 15 March, CET).
    const expected = [
      ['previous', null, Date.UTC(2026, 2, 27, 23), from],
      ['week', 1, Date.UTC(2026, 2, 21, 23), Date.UTC(2026, 2, 22, 23)],
      ['week', 2, Date.UTC(2026, 2, 14, 23), Date.UTC(2026, 2, 15, 23)],
    ] as const;
    for (const [i, c] of [prev!, w1!, w2!].entries()) {
      const [kind, weeks, f, t] = expected[i]!;
      const then = tot(f, t);
      expect(c).toMatchObject({ kind, weeks_back: weeks, from: new Date(f).toISOString(), to: new Date(t).toISOString(), totals: then });
      expect(c.change.arrivals).toEqual({ abs: now.arrivals - then.arrivals, pct: pct(now.arrivals, then.arrivals) });
      expect(c.change.crossings_out).toEqual({ abs: now.crossings_out - then.crossings_out, pct: pct(now.crossings_out, then.crossings_out) });
    }
    expect(now.arrivals).toBeGreaterThan(0);
    // The busiest zone: the one with the most entries.
    const byZone = (z: string) => rows.filter((r) => r.camera === 'door' && r.target === z && r.minute * 60_000 >= from && r.minute * 60_000 < to).reduce((s, r) => s + r.entries, 0);
    const busiest = byZone('till') >= byZone('shelf') ? 'till' : 'shelf';
    expect(body.busiest_zone).toEqual({ camera: 'door', zone: busiest, name: busiest, entries: byZone(busiest) }); // a zone not in the zones table: its id is its name
  });

  it('compares an hour with the same local hour a week before across the DST change', async () => {
    // Monday 30 March 10:00–11:00 CEST = 08:00Z; a week before, 10:00 CET = 09:00Z.
    const body = await report(Date.UTC(2026, 2, 30, 8), Date.UTC(2026, 2, 30, 9), { timezone: 'Europe/Berlin', previous: true, weeks: 1, dayHour: false });
    const [prev, w1] = body.comparisons!;
    expect(prev!.from).toBe('2026-03-30T07:00:00.000Z');
    expect(w1!.from).toBe('2026-03-23T09:00:00.000Z');
    expect(w1!.to).toBe('2026-03-23T10:00:00.000Z');
    expect(w1!.totals).toEqual(tot(Date.UTC(2026, 2, 23, 9), Date.UTC(2026, 2, 23, 10)));
    expect(body.peak_hour).toMatchObject({ from: '2026-03-30T08:00:00.000Z', local: '2026-03-30 10:00', arrivals: tot(Date.UTC(2026, 2, 30, 8), Date.UTC(2026, 2, 30, 9)).arrivals });
  });

  it('averages per weekday × local hour over two weeks spanning the spring change; the skipped hour has no slot', async () => {
    const from = Date.UTC(2026, 2, 22, 23); // Monday 23 March, local midnight (CET)
    const to = Date.UTC(2026, 3, 5, 22); // Monday 6 April, local midnight (CEST)
    const { body, mine } = await tableReport(from, to, 'Europe/Berlin', berlinOffset, { previous: false, weeks: 0 });
    expect(body.day_hour!.slots[6]![2]).toBe(1); // Sunday 02:00 existed on 5 April only
    expect(body.day_hour!.slots[0]![2]).toBe(2);
    expect(body.day_hour!.days).toEqual([2, 2, 2, 2, 2, 2, 2]);
    const [date, hour] = mine.peak!.key.split(' ');
    expect(body.peak_hour).toMatchObject({ local: `${date} ${hour!.padStart(2, '0')}:00`, arrivals: mine.peak!.n });
    // The CSV carries the same table after the timeline.
    const csv = timelineCsv(body as ReportBody);
    expect(csv).toContain(`\nMon,${mine.average[0]!.map((v) => (v === null ? '' : v)).join(',')}\n`);
    expect(csv).toContain(`totals,Europe/Berlin,${body.totals!.entries},`);
  });

  it('counts the repeated autumn hour as one slot holding both hours (Berlin, 25 October)', async () => {
    const from = Date.UTC(2026, 9, 18, 22); // Monday 19 October, local midnight (CEST)
    const to = Date.UTC(2026, 9, 25, 23); // Monday 26 October, local midnight (CET)
    const { body } = await tableReport(from, to, 'Europe/Berlin', berlinOffset, { previous: true, weeks: 0 });
    // Sunday 02:00–03:00 local lasted two hours: 00:00Z–02:00Z.
    expect(body.day_hour!.average[6]![2]).toBe(tot(Date.UTC(2026, 9, 25, 0), Date.UTC(2026, 9, 25, 2)).arrivals);
    // Seven whole local days (one of 25 h): the previous period is the seven local days before.
    expect(body.comparisons![0]).toMatchObject({ from: '2026-10-11T22:00:00.000Z', to: '2026-10-18T22:00:00.000Z', totals: tot(Date.UTC(2026, 9, 11, 22), from) });
  });

  it('uses half-hour local hours in Asia/Kolkata (+05:30, no DST)', async () => {
    const from = Date.UTC(2026, 5, 7, 18, 30); // Monday 8 June, local midnight
    const to = Date.UTC(2026, 5, 14, 18, 30);
    const { body } = await tableReport(from, to, 'Asia/Kolkata', kolkataOffset, { previous: false, weeks: 1 });
    expect(body.comparisons![0]).toMatchObject({ from: '2026-05-31T18:30:00.000Z', totals: tot(Date.UTC(2026, 4, 31, 18, 30), from) });
    expect(new Date(nextDaily(Date.UTC(2026, 5, 8, 0), '06:00', 'Asia/Kolkata')).toISOString()).toBe('2026-06-08T00:30:00.000Z');
  });
});
