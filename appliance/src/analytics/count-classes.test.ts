import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../config/loader.js';
import { EventBus } from '../events.js';
import { silentLogger } from '../logger.js';
import { migrateToLatest, openDatabase, type OpenedDatabase } from '../store/database.js';
import type { TrackSnapshot } from '../track/types.js';
import { AnalyticsService } from './analytics-service.js';

// The model's COCO names (their order is the class id).
const COCO = ['person', 'bicycle', 'car', 'motorbike', 'aeroplane', 'bus', 'train', 'truck', 'boat', 'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard'];
const className = (id: number) => COCO[id] ?? `class${id}`;
const SKATEBOARD = COCO.indexOf('skateboard');
const CAR = COCO.indexOf('car');

const track = (id: number, classId: number, x: number): TrackSnapshot => ({ id, classId, box: { x1: x, y1: 100, x2: x + 40, y2: 300 }, score: 0.9, state: 'tracked', firstSeen: 0, lastSeen: 0 }) as TrackSnapshot;

let store: OpenedDatabase | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** Occupancy of a whole-frame zone after a person, a car and a "skateboard" stood in it for a second. */
async function occupancyWith(analytics: Record<string, unknown>, zoneClasses?: string[]) {
  store = openDatabase(join(mkdtempSync(join(tmpdir(), 'vantage-cc-')), 'v.db'));
  await migrateToLatest(store.db);
  const cfg = validateConfig({ analytics, cameras: [] });
  const bus = new EventBus((e) => {
    throw e;
  });
  const svc = new AnalyticsService(store.db, cfg.analytics, className, bus, silentLogger(), { now: () => 0, monotonic: () => 0 });
  await svc.attachSession('cam', { zones: [{ id: 'all', points: [[0, 0], [1, 0], [1, 1], [0, 1]], ...(zoneClasses ? { classes: zoneClasses } : {}) }], lines: [] });
  for (let f = 0; f < 10; f++) svc.onFrame('cam', [track(1, 0, 100), track(2, CAR, 300), track(3, SKATEBOARD, 500)], 1000 + f * 100, 640, 480);
  return svc.occupancy('cam').all ?? {};
}

describe('what zones and lines count by default', () => {
  it('people and vehicles only: a skateboard (a pigeon, often) stays out of the figures', async () => {
    expect(await occupancyWith({})).toEqual({ person: 1, car: 1 });
  });

  it('other classes opt in: the zone\'s own classes, or analytics.count_classes ([] = every class)', async () => {
    expect(await occupancyWith({}, ['skateboard'])).toEqual({ skateboard: 1 });
    expect(await occupancyWith({ count_classes: [] })).toEqual({ person: 1, car: 1, skateboard: 1 });
    expect(await occupancyWith({ count_classes: ['person', 'skateboard'] })).toEqual({ person: 1, skateboard: 1 });
  });

  it('a model that knows none of the default classes counts all of its own', async () => {
    expect(await occupancyWith({ count_classes: ['forklift'] })).toEqual({ person: 1, car: 1, skateboard: 1 });
  });
});
