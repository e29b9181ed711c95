import { describe, expect, it } from 'vitest';
import { AlertEngine, type EngineCamera } from './alert-engine.js';
import { ruleBodySchema, withinHours, type AlertRule } from './rules.js';

function rig(rules: Array<Record<string, unknown>>) {
  const world = { now: Date.UTC(2026, 10, 23, 12, 0, 0), occupancy: {} as Record<string, Record<string, number>>, cams: [{ id: 'gate', name: 'Gate', status: 'online' }] as EngineCamera[] };
  const engine = new AlertEngine({ cameras: () => world.cams, occupancy: () => world.occupancy, now: () => world.now, timezone: () => 'UTC' });
  engine.setRules(rules.map((r, i) => ({ ...ruleBodySchema.parse(r), id: `r${i}`, created_at: '', updated_at: '' }) as AlertRule));
  return { world, engine };
}
const cross = (t: number, direction: 'in' | 'out' = 'in', trackId = 1) => ({ type: 'line.cross' as const, camera: 'gate', line: 'door', trackId, className: 'person', t, direction });

describe('AlertEngine', () => {
  it('occupancy above N for T seconds fires once per episode; re-arms when it drops; cooldown holds the next', () => {
    const { world, engine } = rig([{ name: 'crowd', type: 'occupancy', zone: 'hall', above: 2, for_seconds: 10, cooldown_seconds: 60 }]);
    world.occupancy = { hall: { person: 2, dog: 1 } };
    expect(engine.tick()).toEqual([]); // 3 > 2 starts the clock
    world.now += 9_000;
    expect(engine.tick()).toEqual([]);
    world.now += 1_000;
    const [f] = engine.tick();
    expect(f!.details).toMatchObject({ camera: 'gate', zone: 'hall', count: 3, seconds: 10 });
    world.now += 5_000;
    expect(engine.tick()).toEqual([]); // same episode
    world.occupancy = { hall: { person: 1 } };
    engine.tick(); // episode over
    world.occupancy = { hall: { person: 5 } };
    engine.tick();
    world.now += 11_000;
    expect(engine.tick()).toEqual([]); // a new episode, but within the 60 s cooldown
    expect(engine.suppressed).toBe(1);
  });

  it('line_count: more than N crossings in the window, counting only the chosen direction', () => {
    const { engine } = rig([{ name: 'rush', type: 'line_count', line: 'door', direction: 'in', over: 2, window_seconds: 30, cooldown_seconds: 0 }]);
    expect(engine.onEvent(cross(100))).toEqual([]);
    expect(engine.onEvent(cross(105, 'out'))).toEqual([]);
    expect(engine.onEvent(cross(140))).toEqual([]); // 100 left the window
    expect(engine.onEvent(cross(150))).toEqual([]);
    const fired = engine.onEvent(cross(160));
    expect(fired).toHaveLength(1);
    expect(fired[0]!.details).toMatchObject({ line: 'door', count: 3, seconds: 30 });
  });

  it('loitering: a track in the zone longer than T (frame time) fires once for that track', () => {
    const { engine } = rig([{ name: 'loiter', type: 'loitering', zone: 'atm', over_seconds: 20, cooldown_seconds: 0 }]);
    const upd = (t: number) => engine.onEvent({ type: 'track.update', camera: 'gate', t, seq: t, latencyMs: 1, inferred: true, tracks: [] });
    engine.onEvent({ type: 'zone.enter', camera: 'gate', zone: 'atm', trackId: 7, className: 'person', t: 1000 });
    engine.onEvent({ type: 'zone.enter', camera: 'gate', zone: 'atm', trackId: 8, className: 'person', t: 1005 });
    engine.onEvent({ type: 'zone.exit', camera: 'gate', zone: 'atm', trackId: 8, className: 'person', t: 1010, dwellSeconds: 5 });
    upd(1019);
    expect(engine.tick()).toEqual([]);
    upd(1021);
    const f = engine.tick();
    expect(f.map((x) => x.details.trackId)).toEqual([7]);
    upd(1060);
    expect(engine.tick()).toEqual([]);
  });

  it('presence only inside its hours (spanning midnight), and camera_offline after T seconds down', () => {
    const { world, engine } = rig([
      { name: 'night', type: 'presence', zone: 'yard', class: 'person', during: { from: '22:00', to: '06:00' }, cooldown_seconds: 0 },
      { name: 'down', type: 'camera_offline', over_seconds: 30, cooldown_seconds: 0 },
    ]);
    const enter = () => engine.onEvent({ type: 'zone.enter', camera: 'gate', zone: 'yard', trackId: 1, className: 'person', t: 1 });
    expect(enter()).toEqual([]); // 12:00 UTC
    world.now = Date.UTC(2026, 10, 23, 23, 30);
    expect(enter()).toHaveLength(1);
    world.now = Date.UTC(2026, 10, 24, 5, 59);
    expect(enter()).toHaveLength(1);
    world.cams[0]!.status = 'offline';
    expect(engine.tick()).toEqual([]);
    world.now += 30_000;
    expect(engine.tick().map((f) => f.rule.name)).toEqual(['down']);
    world.now += 30_000;
    expect(engine.tick()).toEqual([]);
  });

  it('withinHours honours the time zone', () => {
    const t = Date.UTC(2026, 10, 23, 20, 30); // 23:30 in Moscow
    expect(withinHours(t, { from: '23:00', to: '07:00' }, 'Europe/Moscow')).toBe(true);
    expect(withinHours(t, { from: '23:00', to: '07:00' }, 'UTC')).toBe(false);
  });
});
