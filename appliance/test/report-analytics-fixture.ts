/**
 * Stored minute rows of a known shop day (issue 18's report sections), written straight into a real
 * SQLite file as the engines store them: zone entries for the comparisons (the day, the day before and
 * the same weekday a week before), a queue zone's length / flow rows, a capacity zone's and an area's
 * occupancy rows (the area under the site key, with a closing correction) and speed histogram rows.
 * Berlin time (UTC+1 in November); the day is Wednesday 2026-11-25.
 */
import type { Kysely } from 'kysely';
import { SITE_ROWS } from '../src/analytics/area-occupancy.js';
import { bin } from '../src/analytics/engines/speed.js';
import { minuteRow, type MinuteRow } from '../src/store/analytics-store.js';
import type { Database } from '../src/store/schema.js';

export const TZ = 'Europe/Berlin';
/** 2026-11-25 00:00 in Berlin, unix seconds. */
export const DAY = Date.UTC(2026, 10, 24, 23, 0) / 1000;
/** Local hh:mm of the day → unix minute. */
const at = (day: number, hh: number, mm = 0) => Math.floor((day + hh * 3600 + mm * 60) / 60);

export const CAMERA = { id: 'door', name: 'Front door' };
export const FIXTURE_CONFIG = {
  analytics: {
    hourly_reports: false,
    daily_reports: false,
    occupancy: { closing_time: '21:00', timezone: TZ, areas: [{ id: 'shop', name: 'Shop floor', capacity: 20, lines: [{ camera: 'door', line: 'entrance' }], inside: [{ camera: 'door', zone: 'tills' }] }] },
  },
  cameras: [
    {
      id: CAMERA.id,
      name: CAMERA.name,
      source: '/dev/null',
      enabled: false,
      zones: [{ id: 'tills', name: 'Checkout tills', points: [[0.1, 0.1], [0.6, 0.1], [0.6, 0.9], [0.1, 0.9]] as Array<[number, number]>, queue: true, service_line: 'pay', capacity: 8 }],
      lines: [
        { id: 'pay', name: 'Pay desk', points: [[0.7, 0.1], [0.7, 0.9]] as [[number, number], [number, number]] },
        { id: 'entrance', name: 'Entrance', points: [[0.05, 0.5], [0.95, 0.5]] as [[number, number], [number, number]] },
      ],
      speed: { reference: { points: [[0.1, 0.5], [0.9, 0.5]] as [[number, number], [number, number]], metres: 20 } },
    },
  ],
};

/** What the rows say, as the test computes it by hand. */
export const TRUTH = {
  entries: { day: 5 + 9 + 3, before: 4 + 6, weekBefore: 7 },
  peakHour: '2026-11-25 14:00',
  queue: { joined: 12, served: 10, abandoned: 2, meanWait: (10 * 30 + 0) / 10, maxLength: 6 },
  area: { entries: 14, exits: 12, peak: 9, capacity: 20, peakPercent: 45, removed: 2 },
  zoneCapacity: { peak: 10, capacity: 8, peakPercent: 125, minutesOver: 1 },
  speeds: { person: [...Array(6).fill(1.0), ...Array(3).fill(1.5), 2.0] as number[] },
};

export function fixtureRows(): MinuteRow[] {
  const rows: MinuteRow[] = [];
  const r = (camera_id: string, minute: number, kind: string, target: string, class_name: string, f: Partial<MinuteRow>) => rows.push(minuteRow({ camera_id, minute, kind, target, class_name }, f));
  // Zone entries: the day (10:00 5, 14:00 9, 14:30 3 → peak hour 14:00 with 12), the day before, a week before.
  r('door', at(DAY, 10), 'zone', 'tills', 'person', { entries: 5, exits: 4, max_occupancy: 2 });
  r('door', at(DAY, 14), 'zone', 'tills', 'person', { entries: 9, exits: 9, max_occupancy: 5 });
  r('door', at(DAY, 14, 30), 'zone', 'tills', 'person', { entries: 3, exits: 3, max_occupancy: 3 });
  r('door', at(DAY - 86_400, 11), 'zone', 'tills', 'person', { entries: 4, exits: 4, max_occupancy: 2 });
  r('door', at(DAY - 86_400, 12), 'zone', 'tills', 'person', { entries: 6, exits: 6, max_occupancy: 2 });
  r('door', at(DAY - 7 * 86_400, 10), 'zone', 'tills', 'person', { entries: 7, exits: 7, max_occupancy: 2 });
  // The queue: length sampled over frames, 12 joined, 10 served after 30 s each, 2 abandoned.
  // Length: every minute of 10:00–14:59 (600 frames a minute), longest 1…6 in turn, the mean half of it.
  for (let m = 0; m < 300; m++) r('door', at(DAY, 10, m), 'queues', 'tills', 'length', { max_occupancy: 1 + (m % 6), dwell_sum: ((1 + (m % 6)) / 2) * 600, visits: 600 });
  r('door', at(DAY, 10), 'queues', 'tills', 'flow', { entries: 5, crossings_in: 4, crossings_out: 1, dwell_sum: 4 * 30, visits: 4, max_occupancy: 30 });
  r('door', at(DAY, 14), 'queues', 'tills', 'flow', { entries: 7, crossings_in: 6, crossings_out: 1, dwell_sum: 6 * 30, visits: 6, max_occupancy: 30 });
  // Capacity: the tills zone peaks at 6, then 10 of 8 for a minute.
  r('door', at(DAY, 10), 'occupancy', 'zone:tills', 'cap:8', { max_occupancy: 6 });
  r('door', at(DAY, 14), 'occupancy', 'zone:tills', 'cap:8', { max_occupancy: 10 });
  // The area (the site's rows): 14 in, 12 out, peak 9 of 20, 2 removed at closing.
  r(SITE_ROWS, at(DAY, 10), 'occupancy', 'area:shop', 'flow', { entries: 6, exits: 2, max_occupancy: 4 });
  r(SITE_ROWS, at(DAY, 14), 'occupancy', 'area:shop', 'flow', { entries: 8, exits: 10, max_occupancy: 9 });
  r(SITE_ROWS, at(DAY, 14), 'occupancy', 'area:shop', 'cap:20', { max_occupancy: 9 });
  r(SITE_ROWS, at(DAY, 21), 'occupancy', 'area:shop', 'fix:closing@2026-11-25', { exits: 2 });
  // Speeds: ten samples of people in the tills zone.
  for (const v of TRUTH.speeds.person) {
    const b = bin(v);
    const k = rows.find((x) => x.kind === 'speed' && x.class_name === `person#${b}`);
    if (k) {
      k.visits++;
      k.dwell_sum += v;
    } else r('door', at(DAY, 12), 'speed', 'tills', `person#${b}`, { visits: 1, dwell_sum: v });
  }
  return rows;
}

export async function writeFixture(db: Kysely<Database>): Promise<void> {
  await db.insertInto('counts_minute').values(fixtureRows()).execute();
}

/** The zone's display name as the analytics service stores it from the config (for tests without a daemon). */
export async function writeZoneNames(db: Kysely<Database>): Promise<void> {
  for (const z of FIXTURE_CONFIG.cameras[0]!.zones) await db.insertInto('zones').values({ camera_id: CAMERA.id, id: z.id, name: z.name, points: JSON.stringify(z.points), updated_at: 0 }).execute();
}
