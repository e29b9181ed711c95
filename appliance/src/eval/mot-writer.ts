import type { TrackRow } from './interpolate.js';

/** MOTChallenge result lines: frame,id,left,top,width,height,score,-1,-1,-1 (frames from 1). */
export function motLines(rows: readonly TrackRow[]): string {
  let out = '';
  for (const t of rows) {
    const { x1, y1, x2, y2 } = t.box;
    out += `${t.frame},${t.id},${r2(x1)},${r2(y1)},${r2(x2 - x1)},${r2(y2 - y1)},${r2(t.score)},-1,-1,-1\n`;
  }
  return out;
}

function r2(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}
