import { zValidator } from '@hono/zod-validator';
import type { z, ZodType } from 'zod';
import { formatPath } from '../config/loader.js';
import { ApiError } from './errors.js';
import { VALIDATES, type ValidatorMeta } from './openapi.js';

const JSON_TYPE = /^application\/([\w.+-]*\+)?json\s*(;|$)/i;

/** zod validation of a request part; failures become 400 with every offending field named. */
export function validate<T extends ZodType, Target extends 'query' | 'json' | 'param'>(target: Target, schema: T) {
  const mw = zValidator(target, schema, (result) => {
    if (!result.success) {
      const fields = unfoldUnions(result.error.issues).map((i) => ({
        field: formatPath(i.code === 'unrecognized_keys' ? [...i.path, ...i.keys] : i.path) || target,
        message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
      }));
      throw new ApiError(400, 'ERR_BAD_REQUEST', `invalid ${target}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, fields);
    }
  });
  // Hono reads a body sent with another content type as `{}`: refuse it instead of silently
  // validating nothing (a request without a body still reads as `{}`).
  const guarded = (target === 'json'
    ? (c: Parameters<typeof mw>[0], next: Parameters<typeof mw>[1]) => {
        const length = c.req.header('content-length');
        const hasBody = length !== undefined ? Number(length) > 0 : c.req.header('transfer-encoding') !== undefined;
        if (hasBody && !JSON_TYPE.test(c.req.header('content-type') ?? '')) {
          throw new ApiError(415, 'ERR_BAD_REQUEST', 'the request body must be JSON (Content-Type: application/json)', [{ field: 'body', message: 'not JSON' }]);
        }
        return mw(c, next);
      }
    : mw) as typeof mw;
  // The OpenAPI document reads what each route validates from here.
  return Object.assign(guarded, { [VALIDATES]: { target, schema } satisfies ValidatorMeta });
}

type Issue = z.core.$ZodIssue;

/**
 * A value that matches no branch of a union is reported by the branch it came closest to (fewest
 * issues), so the answer names the field at fault (`zones`, `to`) instead of the whole body.
 */
function unfoldUnions(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((i): Issue[] => {
    if (i.code !== 'invalid_union' || !Array.isArray(i.errors) || i.errors.length === 0) return [i];
    const closest = i.errors.reduce((a, b) => (b.length < a.length ? b : a));
    if (closest.length === 0) return [i];
    return unfoldUnions(closest.map((e) => ({ ...e, path: [...i.path, ...e.path] }) as Issue));
  });
}
