import { zValidator } from '@hono/zod-validator';
import type { ZodType } from 'zod';
import { formatPath } from '../config/loader.js';
import { ApiError } from './errors.js';
import { VALIDATES, type ValidatorMeta } from './openapi.js';

/** zod validation of a request part; failures become 400 with every offending field named. */
export function validate<T extends ZodType, Target extends 'query' | 'json' | 'param'>(target: Target, schema: T) {
  const mw = zValidator(target, schema, (result) => {
    if (!result.success) {
      const fields = result.error.issues.map((i) => ({
        field: formatPath(i.code === 'unrecognized_keys' ? [...i.path, ...i.keys] : i.path) || target,
        message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
      }));
      throw new ApiError(400, 'ERR_BAD_REQUEST', `invalid ${target}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, fields);
    }
  });
  // The OpenAPI document reads what each route validates from here.
  return Object.assign(mw, { [VALIDATES]: { target, schema } satisfies ValidatorMeta });
}
