import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isVantageError, type ErrorCode } from '../errors.js';

/** An error the API answers with its status and a JSON body; nothing else leaks to clients. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Array<{ field: string; message: string }>,
  ) {
    super(message);
  }
}

const STATUS_OF: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  ERR_NOT_FOUND: 404,
  ERR_CONFLICT: 409,
  ERR_UNAVAILABLE: 503,
  ERR_BAD_REQUEST: 400,
  ERR_CONFIG_INVALID: 400,
  ERR_UNAUTHORIZED: 401,
  ERR_FORBIDDEN: 403,
  ERR_RATE_LIMITED: 429,
  ERR_UPSTREAM: 502,
};

/** The one place errors become HTTP responses. Unknown errors are 500 with no stack trace. */
export function errorResponse(e: unknown, c: Context, onUnexpected: (e: unknown) => void): Response {
  if (e instanceof ApiError) {
    return c.json({ error: { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) } }, e.status);
  }
  if (e instanceof HTTPException && e.status < 500) {
    return c.json({ error: { code: 'ERR_BAD_REQUEST', message: e.message || 'bad request' } }, e.status);
  }
  if (isVantageError(e) && STATUS_OF[e.code]) {
    const fields = e.field ? { fields: [{ field: e.field, message: e.message }] } : {};
    return c.json({ error: { code: e.code, message: e.message, ...fields } }, STATUS_OF[e.code]!);
  }
  onUnexpected(e);
  return c.json({ error: { code: 'ERR_INTERNAL', message: 'internal error' } }, 500);
}
