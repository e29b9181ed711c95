import type { Hono, MiddlewareHandler } from 'hono';
import { z, type ZodType } from 'zod';
import { REQUIRES } from './access.js';
import { DECIMAL_TEXT, INTEGER_TEXT } from './params.js';

/** Marks a validator middleware with what it validates, so the OpenAPI document can read it. */
export const VALIDATES = Symbol('vantage.validates');

export interface ValidatorMeta {
  target: 'json' | 'query' | 'param';
  schema: ZodType;
}

/** Marks a pass-through middleware with an operation's tag, summary and answer (see `describeRoute`). */
export const DESCRIBES = Symbol('vantage.describes');

export interface OperationDoc {
  tags: string[];
  summary: string;
  description?: string;
  /** The successful answer: its status and the zod schema of its JSON. */
  response?: { status: number; description: string; schema: ZodType };
}

/** Documents a route in the OpenAPI document (tag, summary, answer schema); does nothing per request. */
export function describeRoute(doc: OperationDoc): MiddlewareHandler {
  const mw: MiddlewareHandler = (_c, next) => next();
  return Object.assign(mw, { [DESCRIBES]: doc });
}

type Json = Record<string, unknown>;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** `/cameras/:id` → `/cameras/{id}`; a typed param like `:file{[^/]+\.csv}` becomes `{file}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\}[^/]*)?/g, '{$1}');
}

/** Text that must be a decimal integer or number is described as what it means: an integer or a number. */
function numericText(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(numericText);
  if (!s || typeof s !== 'object') return s;
  const o = s as Json;
  if (o.type === 'string' && o.pattern === INTEGER_TEXT.source) return { type: 'integer' };
  if (o.type === 'string' && o.pattern === DECIMAL_TEXT.source) return { type: 'number' };
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, numericText(v)]));
}

function jsonSchema(schema: ZodType, io: 'input' | 'output' = 'input'): Json {
  const s = numericText(z.toJSONSchema(schema, { io, unrepresentable: 'any' })) as Json;
  delete s.$schema;
  return s;
}

/**
 * The OpenAPI 3.1 document of every route mounted on `app`, generated from the routes themselves and
 * the zod schemas their validators check (request bodies and query parameters), so it cannot drift.
 */
export function openApiDocument(app: Hono, info: { title: string; version: string }, tags: Array<{ name: string; description: string }> = []): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of app.routes) {
    if (!METHODS.has(r.method) || r.path.includes('*')) continue;
    const path = openApiPath(r.path);
    const method = r.method.toLowerCase();
    const item = (paths[path] ??= {});
    const op = (item[method] ??= {
      operationId: `${method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase())}`,
      parameters: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
      responses: {
        default: {
          description: 'JSON; errors are { error: { code, message, fields? } } with a 4xx or 5xx status',
        },
      },
    }) as Json & { parameters: Json[] };
    const need = (r.handler as unknown as Record<symbol, string | undefined>)[REQUIRES];
    if (need) {
      op['x-access'] = need;
      op.security = [{ bearer: [] }, { apiKey: [] }, { cookie: [] }];
    }
    const described = (r.handler as unknown as Record<symbol, OperationDoc | undefined>)[DESCRIBES];
    if (described) {
      op.tags = described.tags;
      op.summary = described.summary;
      if (described.description) op.description = described.description;
      const res = described.response;
      if (res) (op.responses as Json)[String(res.status)] = { description: res.description, content: { 'application/json': { schema: jsonSchema(res.schema, 'output') } } };
    }
    const meta = (r.handler as unknown as Record<symbol, ValidatorMeta | undefined>)[VALIDATES];
    if (!meta) continue;
    const schema = jsonSchema(meta.schema);
    if (meta.target === 'json') {
      op.requestBody = { required: true, content: { 'application/json': { schema } } };
    } else if (meta.target === 'query') {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [name, s] of Object.entries(props)) op.parameters.push({ name, in: 'query', required: required.has(name), schema: s });
    }
  }
  const securitySchemes = {
    bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'access token from POST /api/v1/auth/login (15 minutes)' },
    apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'scoped key from POST /api/v1/api-keys' },
    cookie: { type: 'apiKey', in: 'cookie', name: 'vantage_access', description: 'the dashboard; writes also need X-CSRF-Token = the vantage_csrf cookie' },
  };
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'x-access on each operation: any, cameras:read, reports:read, events:read (viewer+ or a key with that scope), analysis:run (operator+ or a key with that scope), operate (operator+), admin.' },
    ...(tags.length ? { tags } : {}),
    paths,
    components: { securitySchemes },
  };
}
