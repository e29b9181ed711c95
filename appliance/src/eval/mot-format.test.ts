import { describe, expect, it } from 'vitest';
import { parseMot } from './mot-format.js';

describe('parseMot', () => {
  it('parses MOTChallenge lines, tolerating whitespace, CRLF and blank lines', () => {
    const text = '1,1,399,182,121,229,1,-1,-1,-1\r\n\n  2 , 7 , 10.5 , 20 , 30 , 40 , 0 , -1 , -1 , -1  \n\n3,4,0,0,5,5,0.87,-1,-1,-1\n';
    expect(parseMot(text)).toEqual([
      { frame: 1, id: 1, box: { x1: 399, y1: 182, x2: 520, y2: 411 }, score: 1, considered: true },
      { frame: 2, id: 7, box: { x1: 10.5, y1: 20, x2: 40.5, y2: 60 }, score: 0, considered: false },
      { frame: 3, id: 4, box: { x1: 0, y1: 0, x2: 5, y2: 5 }, score: 0.87, considered: true },
    ]);
  });

  it('accepts MOT16-style 9-column ground truth and 6-column output (7th column defaults to 1)', () => {
    const [a, b] = parseMot('1,2,3,4,5,6,0,1,0.5\n1,3,3,4,5,6');
    expect(a).toMatchObject({ id: 2, considered: false, score: 0 });
    expect(b).toMatchObject({ id: 3, considered: true, score: 1 });
  });

  it('returns nothing for empty input', () => {
    expect(parseMot('')).toEqual([]);
    expect(parseMot('\n  \n')).toEqual([]);
  });

  it.each([
    ['1,1,0,0,10,10,1,-1,-1,-1\n\n1,2,0,0,abc,10,1,-1,-1,-1', /line 3: column 5 \(width\) is not a number: "abc"/],
    ['1,1,0,0,10', /line 1: expected 6 to 10 comma-separated columns, found 5/],
    ['1,1,0,0,10,10,1,-1,-1,-1,9', /line 1: expected 6 to 10 .* found 11/],
    ['\n1,1,0,0,10,10,1\n1.5,1,0,0,10,10,1', /line 3: frame must be an integer, got 1.5/],
    ['1,x,0,0,10,10,1', /line 1: column 2 \(id\) is not a number/],
    ['1,2.5,0,0,10,10,1', /line 1: id must be an integer/],
    ['1,1,0,0,-3,10,1', /line 1: width and height must not be negative/],
    ['1,1,0,,10,10,1', /line 1: column 4 \(top\) is empty/],
    ['1,1,0,0,10,10,NaN', /line 1: column 7 \(conf\) is not a number/],
  ])('rejects malformed input %j naming the line', (text, message) => {
    expect(() => parseMot(text)).toThrow(message);
  });
});
