import { describe, expect, it } from 'vitest';
import { VisitorLinker } from './visitors.js';

// Positions are normalised; boxes 0.2 high. Gate: 1 s and 0.5 box heights (0.1 here).
const H = 0.2;

describe('VisitorLinker', () => {
  it('keeps one visitor per track id while it is seen', () => {
    const l = new VisitorLinker(1, 0.5, 0);
    const a = l.see(1, 0.2, 0.5, H, 0, 1);
    const b = l.see(2, 0.6, 0.5, H, 0, 1);
    expect(l.see(1, 0.21, 0.5, H, 0.1, 2)).toBe(a);
    expect(l.see(2, 0.61, 0.5, H, 0.1, 2)).toBe(b);
    expect(a.id).not.toBe(b.id);
    expect(l.count).toBe(2);
  });

  it('stitches a new track id that starts where a vanished one was heading', () => {
    const l = new VisitorLinker(1, 0.5, 0);
    // Walks right at 0.2 per second for 1 s, then vanishes for 0.5 s.
    let v = l.see(1, 0.2, 0.5, H, 0, 1);
    for (let i = 1; i <= 10; i++) v = l.see(1, 0.2 + 0.02 * i, 0.5, H, i / 10, i + 1);
    // Reappears as track 2 where it would be by then (0.4 + 0.2 × 0.6): 0.12 from its last point,
    // beyond the 0.1 gate, but on its heading.
    const w = l.see(2, 0.52, 0.5, H, 1.6, 17);
    expect(w).toBe(v);
    expect(w.track).toBe(2);
    expect(l.count).toBe(1);
  });

  it('does not stitch to a visitor still in view, too long gone, too far, or of another size', () => {
    const l = new VisitorLinker(1, 0.5, 0);
    l.see(1, 0.5, 0.5, H, 0, 1);
    // Track 1 is in this update too (marked before any track is seen, so whatever the order): a
    // new track next to it is someone else.
    l.mark(1, 2);
    l.mark(2, 2);
    expect(l.see(2, 0.52, 0.5, H, 0.1, 2).id).toBe(2);
    l.see(1, 0.5, 0.5, H, 0.1, 2);
    // Track 3 vanishes; 1.5 s later a track starts on the spot: too long.
    l.see(3, 0.1, 0.9, H, 0.2, 3);
    expect(l.see(4, 0.1, 0.9, H, 1.7, 20).id).toBe(4);
    // Track 5 vanishes; a track 0.3 away (1.5 heights) starts 0.2 s later: too far.
    l.see(5, 0.9, 0.2, H, 2, 21);
    expect(l.see(6, 0.9, 0.5, H, 2.2, 23).id).toBe(6);
    // Track 7 vanishes; a box twice as tall starts on the spot: not the same person.
    l.see(7, 0.3, 0.3, H, 3, 24);
    expect(l.see(8, 0.3, 0.3, 2 * H, 3.1, 26).id).toBe(8);
  });

  it('an ended track stays stitchable for the window and is then forgotten', () => {
    const l = new VisitorLinker(1, 0.5, 0);
    const v = l.see(1, 0.5, 0.5, H, 0, 1);
    l.end(1);
    expect(l.see(2, 0.5, 0.5, H, 0.5, 3)).toBe(v);
    l.end(2);
    l.see(3, 0.1, 0.1, H, 5, 10); // time passes; the sweep forgets the ended visitor
    expect(l.size).toBe(1);
  });

  it('a track that comes back after its visitor moved on keeps what was counted', () => {
    const l = new VisitorLinker(1, 0.5, 1);
    const v = l.see(1, 0.5, 0.5, H, 0, 1);
    v.lines[0]!.done = 1; // its 'in' was counted
    l.see(2, 0.5, 0.5, H, 0.2, 3); // the tracker lost 1 and started 2 on the same person
    l.see(2, 0.5, 0.5, H, 0.3, 4);
    const back = l.see(1, 0.7, 0.5, H, 0.3, 4); // and track 1 is found again elsewhere
    expect(back).not.toBe(v);
    expect(back.lines[0]!.done).toBe(1);
  });

  it('the radius grows with the time a track has been gone: one frame, 0.15 heights; 0.3 s, up to the full gate', () => {
    const l = new VisitorLinker(0.7, 0.4, 0);
    // Track 1 stands still and is missing for one frame at 10 fps; a new track starts 0.3 heights
    // (0.06) away: beyond 0.15 + 1 × 0.1 heights, so someone else.
    l.see(1, 0.5, 0.5, H, 0, 1);
    expect(l.see(2, 0.56, 0.5, H, 0.1, 2).id).toBe(2);
    // Track 3 stands still and is gone 0.3 s; a new track 0.3 heights away continues it (radius 0.4).
    const v = l.see(3, 0.2, 0.2, H, 1, 3);
    expect(l.see(4, 0.26, 0.2, H, 1.3, 6)).toBe(v);
    // And 0.45 heights is beyond the 0.4 cap at any gap.
    const w = l.see(5, 0.8, 0.8, H, 2, 7);
    expect(l.see(6, 0.89, 0.8, H, 2.5, 12)).not.toBe(w);
  });
});
