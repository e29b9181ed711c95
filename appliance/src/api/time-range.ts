import { z } from 'zod';
import { intText } from './params.js';

/** A query time: unix seconds or an ISO 8601 date-time; becomes unix seconds. */
export const timeParam = z.union([
  z.number().int().min(0),
  intText().pipe(z.number().int().min(0)),
  z.iso.datetime({ offset: true }).transform((s) => Math.floor(Date.parse(s) / 1000)),
]);

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
      if (from > to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
      else if (to - from > maxDays() * 86_400) ctx.addIssue({ code: 'custom', path: ['from'], message: `the range is wider than the ${maxDays()} days kept` });
    },
    resolve(q: { from?: number | undefined; to?: number | undefined }): { from: number; to: number } {
      const to = q.to ?? Math.floor(Date.now() / 1000) + 1;
      return { from: q.from ?? to - defaultSeconds, to };
    },
  };
}
