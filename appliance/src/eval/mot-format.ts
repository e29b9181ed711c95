/**
 * MOTChallenge text format: one box per line, `frame,id,left,top,width,height,conf,x,y,z`.
 *
 * The 7th column means "considered" (0 = ignore this box) in ground truth and the detection score
 * in tracker output; both readings are kept on every row. Trailing columns (x, y, z, or MOT16+'s
 * class and visibility) are accepted and dropped; when the 7th column is absent it defaults to 1.
 */
import { fromLtwh, type Box } from '../math/box.js';

export interface MotRow {
  frame: number;
  id: number;
  box: Box;
  /** The 7th column as written (a prediction's confidence). */
  score: number;
  /** Ground-truth reading of the 7th column: false when it is 0 (box is ignored). */
  considered: boolean;
}

const COLUMNS = ['frame', 'id', 'left', 'top', 'width', 'height', 'conf', 'x', 'y', 'z'];
const MIN_COLUMNS = 6;

/** Parses MOTChallenge lines; blank lines are skipped, a malformed line throws naming its 1-based number. */
export function parseMot(text: string): MotRow[] {
  const rows: MotRow[] = [];
  const lines = text.split(/\r?\n|\r/);
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === '') continue;
    rows.push(parseLine(line, k + 1));
  }
  return rows;
}

function parseLine(line: string, lineNo: number): MotRow {
  const fail = (problem: string): never => {
    const shown = line.length > 80 ? `${line.slice(0, 77)}...` : line;
    throw new Error(`MOT line ${lineNo}: ${problem} ("${shown}")`);
  };
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length < MIN_COLUMNS || fields.length > COLUMNS.length) {
    fail(`expected ${MIN_COLUMNS} to ${COLUMNS.length} comma-separated columns, found ${fields.length}`);
  }
  const values = fields.map((f, c) => {
    const name = COLUMNS[c]!;
    if (f === '') return fail(`column ${c + 1} (${name}) is empty`);
    const v = Number(f);
    if (!Number.isFinite(v)) return fail(`column ${c + 1} (${name}) is not a number: "${f}"`);
    return v;
  });
  const [frame, id, left, top, width, height] = values as [number, number, number, number, number, number];
  if (!Number.isInteger(frame)) fail(`frame must be an integer, got ${frame}`);
  if (!Number.isInteger(id)) fail(`id must be an integer, got ${id}`);
  if (width < 0 || height < 0) fail(`width and height must not be negative, got ${width}x${height}`);
  const col7 = values[6] ?? 1;
  return { frame, id, box: fromLtwh(left, top, width, height), score: col7, considered: col7 !== 0 };
}
