import { describe, expect, it } from 'vitest';
import { parseRange } from './session-video.js';

describe('HTTP Range of the session video', () => {
  it('reads one byte range, an open end and a suffix; clamps the end to the file', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual([0, 99]);
    expect(parseRange('bytes=500-', 1000)).toEqual([500, 999]);
    expect(parseRange('bytes=-100', 1000)).toEqual([900, 999]);
    expect(parseRange('bytes=-5000', 1000)).toEqual([0, 999]);
    expect(parseRange('bytes=990-5000', 1000)).toEqual([990, 999]);
  });

  it('is unsatisfiable past the end; sends the whole file for none, a malformed one or several ranges', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    for (const h of [undefined, '', 'bytes=', 'bytes=-', 'items=0-1', 'bytes=0-1,5-9', 'bytes=9-1', 'bytes=a-b']) expect(parseRange(h, 1000), String(h)).toBeUndefined();
  });
});
