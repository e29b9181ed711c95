import { describe, expect, it } from 'vitest';
import { admissible, matchBySimilarity } from './gated-matching.js';

describe('matchBySimilarity', () => {
  it('prefers more admissible pairs over one better pair', () => {
    // r0-c0 0.9 alone (Σcost 0.1) vs r0-c1 0.55 + r1-c0 0.65 (two pairs): two pairs win.
    const pairs = matchBySimilarity([[0.9, 0.55], [0.65, 0.1]], 2, 2, 0.5);
    expect(pairs.sort()).toEqual([[0, 1], [1, 0]]);
  });

  it('among equally many pairs picks the lowest total 1 - IoU', () => {
    expect(matchBySimilarity([[0.9, 0.6], [0.6, 0.8]], 2, 2, 0.5).sort()).toEqual([[0, 0], [1, 1]]);
  });

  it('never makes inadmissible pairs and handles rectangular and empty input', () => {
    expect(matchBySimilarity([[0.49], [0.2]], 2, 1, 0.5)).toEqual([]);
    expect(matchBySimilarity([[0.3, 0.7, 0.6]], 1, 3, 0.5)).toEqual([[0, 1]]);
    expect(matchBySimilarity([[0.1], [0.7], [0.9]], 3, 1, 0.5)).toEqual([[2, 0]]);
    expect(matchBySimilarity([], 0, 3, 0.5)).toEqual([]);
  });

  it('treats IoU exactly at the threshold as admissible', () => {
    expect(admissible(0.5, 0.5)).toBe(true);
    expect(admissible(0.4999, 0.5)).toBe(false);
  });
});
