import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from './loader.js';

/** Issue 18's config blocks: queue zones, areas and speed calibrations are checked and named. */
function problems(doc: unknown): string[] {
  try {
    validateConfig(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues.map((i) => i.path);
  }
  return [];
}

const SQUARE = [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]];
const cam = (extra: Record<string, unknown>) => ({ id: 'c', source: 'x', lines: [{ id: 'door', points: [[0.5, 0], [0.5, 1]] }], ...extra });

describe('queues, occupancy and speed in the config', () => {
  it('accepts a queue zone with its service line, an area and a calibration', () => {
    const cfg = validateConfig({
      analytics: { occupancy: { closing_time: '22:00', timezone: 'Europe/Berlin', areas: [{ id: 'shop', capacity: 50, lines: [{ camera: 'c', line: 'door', entry: 'out' }], inside: [{ camera: 'c', zone: 'q' }] }] } },
      cameras: [cam({ zones: [{ id: 'q', points: SQUARE, queue: true, service_line: 'door', capacity: 6 }], speed: { reference: { points: [[0, 0.5], [1, 0.5]], metres: 12 } } })],
    });
    expect(cfg.analytics.queues).toEqual({ grace_seconds: 2, rate_window_seconds: 300 });
    expect(cfg.analytics.occupancy.areas[0]!.lines[0]!.entry).toBe('out');
    expect(cfg.cameras[0]!.speed!.window_seconds).toBe(1);
  });

  it('names what is wrong', () => {
    expect(problems({ cameras: [cam({ zones: [{ id: 'q', points: SQUARE, queue: true }] })] })).toEqual(['cameras[0].zones[0].service_line']);
    expect(problems({ cameras: [cam({ zones: [{ id: 'q', points: SQUARE, queue: true, service_line: 'nope' }] })] })).toEqual(['cameras[0].zones[0].service_line']);
    expect(problems({ cameras: [cam({ zones: [{ id: 'q', points: SQUARE, capacity: 0 }] })] })).toEqual(['cameras[0].zones[0].capacity']);
    expect(problems({ analytics: { occupancy: { areas: [{ id: 'a', lines: [{ camera: 'c', line: 'nope' }], inside: [{ camera: 'x', zone: 'z' }] }] } }, cameras: [cam({})] })).toEqual([
      'analytics.occupancy.areas[0].lines[0].line',
      'analytics.occupancy.areas[0].inside[0].camera',
    ]);
    expect(problems({ analytics: { occupancy: { timezone: 'Mars/Olympus', closing_time: '25:00' } } })).toEqual(['analytics.occupancy.closing_time', 'analytics.occupancy.timezone']);
    expect(problems({ cameras: [cam({ speed: { image_points: SQUARE } })] })).toEqual(['cameras[0].speed.ground_points']);
    expect(problems({ cameras: [cam({ speed: {} })] })).toEqual(['cameras[0].speed.reference']);
    expect(problems({ cameras: [cam({ speed: { reference: { points: [[0.2, 0.2], [0.2, 0.2]], metres: 5 } } })] })).toEqual(['cameras[0].speed.reference.points']);
  });
});
