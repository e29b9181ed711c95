import { z } from 'zod';
import { intText } from './params.js';

/** The latest time accepted anywhere (9999-12-31T23:59:59Z): every accepted time is a valid date. */
export const MAX_TIME = 253_402_300_799;

/** A query time: unix seconds or an ISO 8601 date-time; becomes unix seconds. */
export const timeParam = z.union([
  z.number().int().min(0).max(MAX_TIME),
  intText().pipe(z.number().int().min(0).max(MAX_TIME)),
  z.iso.datetime({ offset: true }).transform((s) => Math.floor(Date.parse(s) / 1000)),
]);

/**
 * Why [from, to] is refused (on `from`), or undefined: from after to, or a span wider than the
 * `maxDays` the data is kept (nothing older exists, and the work a range costs grows with it).
 */
export function spanProblem(from: number, to: number, maxDays: number): string | undefined {
  if (from > to) return 'from must not be after to';
  if (to - from > maxDays * 86_400) return `the range is wider than the ${maxDays} days kept`;
  return undefined;
}

/**
 * `from`/`to` query parameters (default: the last `defaultSeconds` up to now), refusing from > to and
 * spans wider than `maxDays` (the data's retention) with the field named.
 */
export function timeRange(defaultSeconds: number, maxDays: () => number) {
  return {
    from: timeParam.optional(),
    to: timeParam.optional(),
    refine<T extends { from?: number | undefined; to?: number | undefined }>(q: T, ctx: z.RefinementCtx): void {
      const to = q.to ?? Math.floor(Date.now() / 1000) + 1;
      const from = q.from ?? to - defaultSeconds;
      const problem = spanProblem(from, to, maxDays());
      if (problem) ctx.addIssue({ code: 'custom', path: ['from'], message: problem });
    },
    resolve(q: { from?: number | undefined; to?: number | undefined }): { from: number; to: number } {
      const to = q.to ?? Math.floor(Date.now() / 1000) + 1;
      return { from: q.from ?? to - defaultSeconds, to };
    },
  };
}
