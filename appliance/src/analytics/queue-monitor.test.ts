import { describe, expect, it } from 'vitest';
import { QueueMonitor } from './queue-monitor.js';
import type { AnalyticsEvent, TrackPoint } from './zone-engine.js';

/** Queue zone on the left half, service line down its right edge (x = 0.5). */
const DEF = { zone: 'q', serviceLine: 's', line: [[0.5, 0], [0.5, 1]] as const, points: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] as Array<[number, number]> };
const enter = (trackId: number, t: number): AnalyticsEvent => ({ type: 'zone.enter', zone: 'q', trackId, className: 'person', t });
const exit = (trackId: number, t: number, dwellSeconds: number): AnalyticsEvent => ({ type: 'zone.exit', zone: 'q', trackId, className: 'person', t, dwellSeconds });
const cross = (trackId: number, t: number): AnalyticsEvent => ({ type: 'line.cross', line: 's', trackId, className: 'person', t, direction: 'in' });
const at = (id: number, x: number): TrackPoint => ({ id, className: 'person', x, y: 0.5 });

describe('queue monitor', () => {
  it('serves a crossing after the visit within the grace, abandons one without, and times the wait to the line', () => {
    const q = new QueueMonitor([DEF], { graceSeconds: 2, rateWindowSeconds: 300 });
    q.frame([at(1, 0.2), at(2, 0.3)], [enter(1, 0), enter(2, 0)], { q: { person: 2 } }, 0);
    // Track 1 reaches the far side at t = 40 (x 0.52), the tripwire confirms at 40.5, after the zone exit at 40.2.
    q.frame([at(1, 0.45), at(2, 0.3)], [], { q: { person: 2 } }, 39.5);
    q.frame([at(1, 0.52), at(2, 0.3)], [], { q: { person: 2 } }, 40);
    q.frame([at(1, 0.55), at(2, 0.3)], [exit(1, 40, 40)], { q: { person: 1 } }, 40.2);
    q.frame([at(1, 0.6), at(2, 0.3)], [cross(1, 40.5)], { q: { person: 1 } }, 40.5);
    expect(q.live().q).toMatchObject({ served: 1, abandoned: 0, length: 1 });
    // Track 2 walks back out of the zone's left side and never crosses: abandoned once the grace passes.
    q.frame([at(2, 0.01)], [exit(2, 50, 50)], { q: {} }, 50);
    q.frame([], [], { q: {} }, 51);
    expect(q.live().q!.abandoned).toBe(0);
    q.frame([], [], { q: {} }, 52.5);
    expect(q.live().q).toMatchObject({ served: 1, abandoned: 1, length: 0, estimated_wait_seconds: 0 });
    const flow = q.drain().filter((m) => m.served || m.abandoned || m.joined);
    expect(flow.reduce((a, m) => a + m.served, 0)).toBe(1);
    expect(flow.reduce((a, m) => a + m.waitSum, 0)).toBe(40); // from the first inside frame to the line
    expect(flow.reduce((a, m) => a + m.joined, 0)).toBe(2);
  });

  it('does not count a crossing into the queue as service', () => {
    const q = new QueueMonitor([DEF], { graceSeconds: 2, rateWindowSeconds: 300 });
    q.frame([at(7, 0.7)], [], {}, 0);
    q.frame([at(7, 0.45)], [cross(7, 1)], { q: { person: 1 } }, 1);
    q.frame([at(7, 0.4)], [enter(7, 1)], { q: { person: 1 } }, 1.2);
    q.frame([at(7, 0.1)], [exit(7, 5, 4)], { q: {} }, 5);
    q.close([], 10);
    expect(q.live().q).toMatchObject({ served: 0, abandoned: 1 });
  });

  it("estimates the wait by Little's law: length over the service rate of the window", () => {
    const q = new QueueMonitor([DEF], { graceSeconds: 2, rateWindowSeconds: 300 });
    q.frame([], [], { q: {} }, 0);
    // Six served in the first 300 s (every 50 s, each having waited 60 s).
    for (let i = 1; i <= 6; i++) {
      q.frame([at(i, 0.3)], [enter(i, i * 50 - 60)], { q: { person: 1 } }, i * 50 - 1);
      q.frame([at(i, 0.6)], [cross(i, i * 50)], { q: { person: 0 } }, i * 50);
    }
    // Now four wait: 6 served / 300 s = 1.2 a minute → W = 4 / 0.02 = 200 s.
    q.frame([at(10, 0.1), at(11, 0.2), at(12, 0.3), at(13, 0.4)], [], { q: { person: 4 } }, 300);
    expect(q.live().q).toMatchObject({ length: 4, estimated_wait_seconds: 200, served_per_minute: 1.2, recent_wait_seconds: 60 });
    // Nobody served for a whole window: the estimate is the longest time already waited.
    const stalled = new QueueMonitor([DEF], { graceSeconds: 2, rateWindowSeconds: 60 });
    stalled.frame([at(1, 0.2)], [enter(1, 0)], { q: { person: 1 } }, 0);
    stalled.frame([at(1, 0.2)], [], { q: { person: 1 } }, 95);
    expect(stalled.live().q!.estimated_wait_seconds).toBe(95);
  });
});
