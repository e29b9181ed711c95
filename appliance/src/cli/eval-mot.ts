import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { VantageError } from '../errors.js';
import { evaluateMot, parseMot } from '../eval/mot-eval.js';
import { out } from './io.js';

const USAGE = 'usage: vantage eval-mot --gt GT.txt --pred PRED.txt [--iou 0.5]';

/** Scores MOTChallenge predictions against ground truth; prints one JSON object. */
export function evalMotCommand(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { gt: { type: 'string' }, pred: { type: 'string' }, iou: { type: 'string', default: '0.5' } } });
  if (!values.gt || !values.pred) throw new VantageError('ERR_USAGE', USAGE);
  const iou = Number(values.iou);
  if (!(iou > 0 && iou <= 1)) throw new VantageError('ERR_USAGE', `--iou must be in (0, 1], got "${values.iou}"`);
  const read = (label: string, path: string) => {
    if (!existsSync(path)) throw new VantageError('ERR_USAGE', `${label} file not found: ${path}`);
    try {
      return parseMot(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new VantageError('ERR_USAGE', `${label} ${path}: ${(e as Error).message}`);
    }
  };
  const m = evaluateMot(read('--gt', values.gt), read('--pred', values.pred), { iou });
  const round = (v: number) => Math.round(v * 100) / 100;
  out(
    JSON.stringify({
      MOTA: round(m.MOTA),
      MOTP: round(m.MOTP),
      IDF1: round(m.IDF1),
      IDSW: m.IDSW,
      FP: m.FP,
      FN: m.FN,
      precision: round(m.precision),
      recall: round(m.recall),
      GT: m.GT,
      HYP: m.HYP,
      MT: m.MT,
      ML: m.ML,
      IDTP: m.IDTP,
      IDFP: m.IDFP,
      IDFN: m.IDFN,
    }),
  );
  return 0;
}
