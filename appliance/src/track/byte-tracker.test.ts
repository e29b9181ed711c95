import { describe, expect, it } from 'vitest';
import { iou, type Box } from '../math/box.js';
import { ByteTracker } from './byte-tracker.js';
import type { Detection, TrackerUpdate, TrackEvent } from './types.js';

const FPS = 25;
const time = (f: number): number => f / FPS;
const PERSON = 0;
const CAR = 2;

/** Box from centre x, top y, width, height. */
function box(cx: number, y1: number, w: number, h: number): Box {
  return { x1: cx - w / 2, y1, x2: cx + w / 2, y2: y1 + h };
}
function det(b: Box, score = 0.9, classId = PERSON): Detection {
  return { box: b, score, classId };
}
const centreX = (b: Box): number => (b.x1 + b.x2) / 2;

interface Run {
  frames: TrackerUpdate[];
  events: TrackEvent[];
}
function run(tracker: ByteTracker, frames: Detection[][], startFrame = 0): Run {
  const out: Run = { frames: [], events: [] };
  frames.forEach((dets, i) => {
    const u = tracker.update(dets, time(startFrame + i));
    out.frames.push(u);
    out.events.push(...u.events);
  });
  return out;
}
const ofType = (events: TrackEvent[], type: TrackEvent['type']): TrackEvent[] => events.filter((e) => e.type === type);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** One person walking right at 3 px/frame. */
const walker = (f: number): Box => box(100 + 3 * f, 200, 40, 100);

describe('ByteTracker', () => {
  it('keeps the ids of two people walking past each other, through a low-score occlusion', () => {
    const a = (f: number): Box => box(100 + 2.5 * f + Math.sin(f) * 0.8, 100 + Math.cos(f) * 0.5, 40, 100);
    const b = (f: number): Box => box(500 - 2.5 * f + Math.cos(f * 1.3) * 0.8, 108, 38, 95);
    let overlapping = 0;
    let lowFrames = 0;
    const frames = range(160).map((f) => {
      const o = iou(a(f), b(f));
      if (o > 0) overlapping++;
      const occluded = o > 0.2;
      if (occluded) lowFrames++;
      return [det(a(f), 0.9), det(b(f), occluded ? 0.3 : 0.85)];
    });
    expect(overlapping).toBeGreaterThan(10);
    expect(lowFrames).toBeGreaterThan(3);
    const tracker = new ByteTracker();
    const r = run(tracker, frames);
    r.frames.forEach((u, f) => {
      expect(u.tracks.map((t) => t.id).sort()).toEqual([1, 2]);
      const ta = u.tracks.find((t) => t.id === 1)!;
      const tb = u.tracks.find((t) => t.id === 2)!;
      expect(Math.abs(centreX(ta.box) - centreX(a(f)))).toBeLessThan(5);
      expect(Math.abs(centreX(tb.box) - centreX(b(f)))).toBeLessThan(5);
    });
    expect(ofType(r.events, 'track.new')).toHaveLength(2);
    expect(ofType(r.events, 'track.lost')).toHaveLength(0);
    expect(ofType(r.events, 'track.end')).toHaveLength(0);
  });

  it('keeps the id of a track gone for 0.8 s', () => {
    const tracker = new ByteTracker();
    const frames = range(80).map((f) => (f >= 30 && f < 50 ? [] : [det(walker(f))]));
    const r = run(tracker, frames);
    expect(r.events.map((e) => [e.type, e.track.id, e.t])).toEqual([
      ['track.new', 1, 0],
      ['track.lost', 1, time(30)],
    ]);
    for (const f of range(80)) {
      const ids = r.frames[f]!.tracks.map((t) => t.id);
      expect(ids).toEqual(f >= 30 && f < 50 ? [] : [1]);
    }
    expect(r.frames[50]!.tracks[0]!.hits).toBe(31);
    expect(r.frames[50]!.tracks[0]!.firstSeen).toBe(0);
  });

  it('gives a new id to a track gone for 2 s, after ending the old one', () => {
    const tracker = new ByteTracker();
    const frames = range(110).map((f) => (f >= 30 && f < 80 ? [] : [det(walker(f))]));
    const r = run(tracker, frames);
    let endFrame = 30;
    while (time(endFrame) - time(29) <= 1.2) endFrame++;
    expect(r.events.map((e) => [e.type, e.track.id, e.t])).toEqual([
      ['track.new', 1, 0],
      ['track.lost', 1, time(30)],
      ['track.end', 1, time(endFrame)],
      ['track.new', 2, time(81)],
    ]);
    expect(r.frames[80]!.tracks).toEqual([]); // unconfirmed for one frame
    expect(r.frames[81]!.tracks.map((t) => t.id)).toEqual([2]);
    expect(r.frames[109]!.tracks.map((t) => t.id)).toEqual([2]);
  });

  it('spends no id on a single-frame false positive', () => {
    let calls = 0;
    const tracker = new ByteTracker({}, () => ++calls);
    const frames = range(60).map((f) => {
      const dets = [det(walker(f))];
      if (f === 20) dets.push(det(box(900, 400, 60, 120), 0.95));
      if (f >= 40) dets.push(det(box(700 - 2 * (f - 40), 300, 44, 110), 0.8));
      return dets;
    });
    const r = run(tracker, frames);
    expect(r.frames[20]!.tracks.map((t) => t.id)).toEqual([1]);
    expect(r.frames[21]!.tracks.map((t) => t.id)).toEqual([1]);
    expect(r.events.map((e) => [e.type, e.track.id, e.t])).toEqual([
      ['track.new', 1, 0],
      ['track.new', 2, time(41)],
    ]);
    expect(calls).toBe(2);
    expect(r.frames[59]!.tracks.map((t) => t.id).sort()).toEqual([1, 2]);
    expect(tracker.size).toEqual({ tracked: 2, unconfirmed: 0, lost: 0 });
  });

  it('confirms after minHits frames and confirms first-frame tracks at once', () => {
    const tracker = new ByteTracker({ minHits: 3 });
    const other = (f: number): Box => box(600, 300, 40, 100 + f * 0.1);
    const frames = range(10).map((f) => (f >= 4 ? [det(walker(f)), det(other(f))] : [det(walker(f))]));
    const r = run(tracker, frames);
    expect(r.frames[0]!.tracks.map((t) => t.id)).toEqual([1]);
    expect(r.frames[4]!.tracks.map((t) => t.id)).toEqual([1]);
    expect(r.frames[5]!.tracks.map((t) => t.id)).toEqual([1]);
    expect(r.frames[6]!.tracks.map((t) => t.id).sort()).toEqual([1, 2]);
    expect(r.frames[6]!.tracks.find((t) => t.id === 2)!.hits).toBe(3);
  });

  it('never continues a person track with a car detection', () => {
    const tracker = new ByteTracker();
    const frames = range(90).map((f) => {
      if (f < 30) return [det(walker(f))];
      if (f < 40) return [det(walker(f), 0.3, CAR)]; // low-score car where the person would be
      return [det(walker(f), 0.9, CAR)]; // then a confident car in the same place
    });
    const r = run(tracker, frames);
    let endFrame = 30;
    while (time(endFrame) - time(29) <= 1.2) endFrame++;
    expect(r.events.map((e) => [e.type, e.track.id, e.track.classId, e.t])).toEqual([
      ['track.new', 1, PERSON, 0],
      ['track.lost', 1, PERSON, time(30)],
      ['track.new', 2, CAR, time(41)],
      ['track.end', 1, PERSON, time(endFrame)],
    ]);
    for (const u of r.frames.slice(30)) for (const t of u.tracks) expect([t.id, t.classId]).toEqual([2, CAR]);
  });

  it('ends a lost track past the buffer with its path, path length and best score', () => {
    const tracker = new ByteTracker();
    const moving = (f: number): Box => box(100 + 4 * f, 200, 40, 100);
    const frames = range(50).map((f) => [det(moving(f), f === 17 ? 0.97 : 0.8)]);
    for (let f = 50; f < 100; f++) frames.push([]);
    const r = run(tracker, frames);
    const ends = ofType(r.events, 'track.end');
    expect(ends).toHaveLength(1);
    const end = ends[0]!;
    if (end.type !== 'track.end') throw new Error('unreachable');
    expect(end.track.id).toBe(1);
    expect(end.track.state).toBe('lost');
    expect(end.track.lastSeen).toBe(time(49));
    expect(end.track.hits).toBe(50);
    expect(end.t - time(49)).toBeGreaterThan(1.2);
    expect(end.t - time(49)).toBeLessThanOrEqual(1.2 + 1 / FPS + 1e-9);
    expect(end.bestScore).toBe(0.97);
    expect(end.pathLength).toBeGreaterThan(194);
    expect(end.pathLength).toBeLessThan(200);
    expect(end.path.map((p) => p[0])).toEqual([0, time(13), time(26), time(39), time(49)]);
    expect(end.path[0]![0]).toBe(0);
    expect(end.path[0]![1]).toBeCloseTo(100, 9);
    expect(end.path[0]![2]).toBeCloseTo(300, 9);
    const last = end.path[4]!;
    expect(last[1]).toBeCloseTo(100 + 4 * 49, 0);
    expect(last[2]).toBeCloseTo(300, 3);
    expect(end.track.box.y2).toBeCloseTo(300, 3);
    // The end is reported once; nothing follows.
    expect(r.frames.slice(50).every((u) => u.tracks.length === 0)).toBe(true);
    expect(tracker.size).toEqual({ tracked: 0, unconfirmed: 0, lost: 0 });
  });

  it('removes a lost track duplicated by an older tracked one, ending it', () => {
    const tracker = new ByteTracker();
    const still = box(100, 200, 40, 100); // person 1 stands still, then vanishes at frame 10
    const passer = (f: number): Box => box(100 - 5 * (20 - f), 198, 42, 104); // person 2 walks over the spot
    const frames = range(30).map((f) => {
      const dets: Detection[] = [];
      if (f < 10) dets.push(det(still));
      if (f >= 5) dets.push(det(passer(f)));
      return dets;
    });
    const r = run(tracker, frames);
    const end = r.events.find((e) => e.type === 'track.end');
    expect(r.events.map((e) => [e.type, e.track.id])).toEqual([
      ['track.new', 1],
      ['track.new', 2],
      ['track.lost', 1],
      ['track.end', 1],
    ]);
    expect(end!.track.state).toBe('lost');
    expect(end!.t).toBeGreaterThanOrEqual(time(18));
    expect(end!.t).toBeLessThanOrEqual(time(22)); // well before the 1.2 s buffer runs out
    for (const u of r.frames.slice(10)) expect(u.tracks.map((t) => t.id)).toEqual([2]);
    expect(tracker.size).toEqual({ tracked: 1, unconfirmed: 0, lost: 0 });
  });

  it('a lost track whose prediction drifts onto a younger tracked one is ended, never the tracked one', () => {
    const tracker = new ByteTracker();
    // Person 1 walks right at 5 px/frame and vanishes at frame 20; its prediction walks on.
    // Person 2 stands 50 px ahead from frame 20 on, where the prediction arrives about frame 30.
    const walking = (f: number): Box => box(100 + 5 * f, 200, 40, 100);
    const standing = box(100 + 5 * 30, 200, 40, 100);
    const frames = range(45).map((f) => (f < 20 ? [det(walking(f))] : [det(standing)]));
    const r = run(tracker, frames);
    expect(r.events.filter((e) => e.type !== 'track.lost').map((e) => [e.type, e.track.id])).toEqual([
      ['track.new', 1],
      ['track.new', 2],
      ['track.end', 1],
    ]);
    const end = ofType(r.events, 'track.end')[0]!;
    expect(end.track.state).toBe('lost');
    expect(end.t).toBeLessThan(time(35)); // as a duplicate, before the 1.2 s buffer runs out
    // The standing person keeps one id from its second frame to the end.
    for (const u of r.frames.slice(21)) expect(u.tracks.map((t) => t.id)).toEqual([2]);
  });

  it('uses the ids handed out by allocateId', () => {
    let next = 1000;
    const tracker = new ByteTracker({}, () => next++);
    const frames = range(10).map((f) => {
      const dets = [det(walker(f)), det(box(800, 100, 50, 120))];
      if (f >= 5) dets.push(det(box(400, 500, 60, 150), 0.7));
      return dets;
    });
    const r = run(tracker, frames);
    expect(r.frames[0]!.tracks.map((t) => t.id)).toEqual([1000, 1001]);
    expect(r.frames[9]!.tracks.map((t) => t.id).sort()).toEqual([1000, 1001, 1002]);
    expect(ofType(r.events, 'track.new').map((e) => [e.track.id, e.t])).toEqual([
      [1000, 0],
      [1001, 0],
      [1002, time(6)],
    ]);
  });

  it('flush ends every confirmed track, tracked or lost, and drops unconfirmed ones', () => {
    const tracker = new ByteTracker();
    const frames = range(20).map((f) => {
      const dets = [det(walker(f))];
      if (f < 10) dets.push(det(box(800, 100, 50, 120)));
      if (f === 19) dets.push(det(box(400, 500, 60, 150), 0.9));
      return dets;
    });
    const r = run(tracker, frames);
    expect(tracker.size).toEqual({ tracked: 1, unconfirmed: 1, lost: 1 });
    const events = tracker.flush(time(20));
    expect(events.map((e) => [e.type, e.track.id, e.track.state, e.t])).toEqual([
      ['track.end', 1, 'tracked', time(20)],
      ['track.end', 2, 'lost', time(20)],
    ]);
    for (const e of events) if (e.type === 'track.end') expect(e.path.length).toBeGreaterThan(0);
    expect(ofType(r.events, 'track.new')).toHaveLength(2);
    expect(tracker.size).toEqual({ tracked: 0, unconfirmed: 0, lost: 0 });
    expect(tracker.flush(time(21))).toEqual([]);
    // A fresh stream: first-frame tracks are confirmed at once, ids continue.
    const u = tracker.update([det(walker(0))], time(30));
    expect(u.tracks.map((t) => t.id)).toEqual([3]);
  });

  it('drops detections below lowThresh and starts no track below newTrackThresh', () => {
    const tracker = new ByteTracker();
    tracker.update([], 0);
    const r = run(tracker, range(10).map((f) => [det(walker(f), 0.55), det(box(800, 100, 50, 120), 0.05)]), 1);
    expect(r.events).toEqual([]);
    expect(tracker.size).toEqual({ tracked: 0, unconfirmed: 0, lost: 0 });
  });

  it('reports the matched detection box by default', () => {
    const tracker = new ByteTracker();
    tracker.update([det(box(100, 100, 40, 100))], 0);
    const u1 = tracker.update([det(box(110, 100, 40, 100))], time(1));
    expect(centreX(u1.tracks[0]!.box)).toBe(110);
  });

  it('outputs the Kalman-filtered box when asked to', () => {
    const tracker = new ByteTracker({ outputBox: 'filtered' });
    const u0 = tracker.update([det(box(100, 100, 40, 100))], 0);
    const b0 = u0.tracks[0]!.box;
    expect(b0.x1).toBeCloseTo(80, 9);
    expect(b0.y2).toBeCloseTo(200, 9);
    const u1 = tracker.update([det(box(110, 100, 40, 100))], time(1));
    const cx = centreX(u1.tracks[0]!.box);
    expect(cx).toBeGreaterThan(100);
    expect(cx).toBeLessThan(110);
  });
});
