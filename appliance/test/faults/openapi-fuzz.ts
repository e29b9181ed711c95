/**
 * Malformed requests generated from the daemon's own OpenAPI document: for every operation that takes
 * input (path parameters, query parameters, a JSON body), requests that break its schema in one of
 * several ways: wrong types, unknown fields, missing required fields, values out of range, oversized
 * bodies, bad JSON, traversal- and SQL-looking path parameters. Each must be refused with a 4xx.
 * Deterministic for a seed, so a failure can be replayed.
 */

import { rng } from '../../src/math/random.js';

type Json = Record<string, unknown>;

export interface FuzzRequest {
  /** What was broken, for the failure message and the tally. */
  kind: string;
  /** The operation, as the document names it: `GET /api/v1/cameras/{id}`. */
  operation: string;
  method: string;
  /** Path with the query string, percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface Operation {
  method: string;
  /** OpenAPI path, `{id}` placeholders. */
  template: string;
  pathParams: string[];
  query: Array<{ name: string; required: boolean; schema: Json }>;
  body: Json | undefined;
}

/** Path parameter values that must never reach a file, a query or a shell as-is. */
export const HOSTILE_PATH_VALUES = [
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fshadow',
  '....%2F%2F....%2F%2Fetc',
  "'%20OR%20'1'%3D'1",
  '1%3BDROP%20TABLE%20users%3B--',
  '1%20UNION%20SELECT%20*%20FROM%20api_keys',
  '%00',
  'x%00.csv',
  '%ZZ',
  '%',
  'a'.repeat(5000),
  '%F0%9F%92%A5',
  '-1',
  '99999999999999999999999999',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '%24%7Bjndi%3Aldap%3A%2F%2Fx%7D',
  'NaN',
  '%20',
];

const BAD_JSON = ['{"a":', "{'a': 1}", '{"a": 1}}', '[1, 2', 'undefined', '{"a": NaN}', '\u0000', '{"a":"\\x41"}', '{,}', 'nul'];
const WRONG_TOP_LEVEL = ['[]', '"a string"', '42', 'null', 'true', '[{}]'];

function operations(doc: Json): Operation[] {
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const params = (op.parameters ?? []) as Array<{ name: string; in: string; required?: boolean; schema?: Json }>;
      const body = ((op.requestBody as Json | undefined)?.content as Record<string, { schema: Json }> | undefined)?.['application/json']?.schema;
      const o: Operation = {
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} })),
        body,
      };
      if (o.pathParams.length || o.query.length || o.body) ops.push(o);
    }
  }
  return ops;
}

/** Types a JSON schema accepts (anyOf/oneOf flattened); empty = anything. */
function typesOf(s: Json): Set<string> {
  const out = new Set<string>();
  const visit = (x: Json): void => {
    if (typeof x.type === 'string') out.add(x.type);
    if (Array.isArray(x.type)) for (const t of x.type) out.add(String(t));
    if (Array.isArray(x.enum)) for (const v of x.enum) out.add(v === null ? 'null' : typeof v);
    if (x.const !== undefined) out.add(typeof x.const);
    for (const k of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(x[k])) for (const sub of x[k] as Json[]) visit(sub);
  };
  visit(s);
  if (out.has('integer')) out.add('number');
  return out;
}

/** A JSON value of a type the schema does not accept, or undefined when it accepts everything. */
function wrongTyped(s: Json, rnd: () => number): unknown {
  const ok = typesOf(s);
  if (ok.size === 0) return undefined;
  const candidates: Array<[string, unknown]> = [
    ['string', 'not-the-right-type'],
    ['number', 123.456],
    ['boolean', true],
    ['array', [1, 'two', { three: 3 }]],
    ['object', { nested: { deeper: [] } }],
    ['null', null],
  ];
  const wrong = candidates.filter(([t]) => !ok.has(t) && !(t === 'number' && ok.has('integer')));
  return wrong.length ? wrong[Math.floor(rnd() * wrong.length)]![1] : undefined;
}

/**
 * Numbers the API's query parsing (zod's coerce: `Number(value)`) reads as numbers although a client
 * hardly means them so: hex, empty, blank. Sent as their own kind: never a 5xx, but a 2xx is tolerated
 * (and counted) rather than required to be a 4xx.
 */
export const LENIENT_NUMBERS = ['0x1F', '', ' '];

/** Query-string values that break one parameter's schema (strings only: it is a query). */
function badQueryValues(s: Json): string[] {
  const out: string[] = [];
  const ok = typesOf(s);
  const enumOf = (x: Json): unknown[] | undefined => (Array.isArray(x.enum) ? x.enum : undefined);
  if (ok.has('integer') || ok.has('number')) {
    out.push('abc', '1e999', 'NaN', 'Infinity', '12abc');
    if (ok.has('integer')) out.push('1.5', '9'.repeat(40));
    if (typeof s.minimum === 'number' || typeof s.exclusiveMinimum === 'number') out.push(String(Number(s.minimum ?? s.exclusiveMinimum) - 1));
    if (typeof s.maximum === 'number') out.push(String(Number(s.maximum) + 1));
  }
  if (ok.has('boolean')) out.push('maybe', '2');
  if (enumOf(s)) out.push('not-a-member', '');
  if (typeof s.pattern === 'string') out.push('%00%2F..%2F', "'%20OR%201%3D1--");
  if (typeof s.maxLength === 'number') out.push('x'.repeat(Number(s.maxLength) + 1));
  if (typeof s.minLength === 'number' && Number(s.minLength) > 0) out.push('');
  const variants = [...((s.anyOf as Json[] | undefined) ?? []), ...((s.oneOf as Json[] | undefined) ?? [])];
  if (variants.some((v) => v.format === 'date-time')) out.push('yesterday', '2024-13-45T99:99:99Z', '-1');
  return [...new Set(out)];
}

/** One of each kind in turn, so that a short run still breaks each operation in every way it can. */
function interleaveKinds(list: FuzzRequest[]): FuzzRequest[] {
  const groups = new Map<string, FuzzRequest[]>();
  for (const r of list) (groups.get(r.kind) ?? groups.set(r.kind, []).get(r.kind)!).push(r);
  const out: FuzzRequest[] = [];
  for (let i = 0; out.length < list.length; i++) for (const g of groups.values()) if (i < g.length) out.push(g[i]!);
  return out;
}

function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? 'nonexistent-0');
}

function withQuery(path: string, pairs: Array<[string, string]>): string {
  if (!pairs.length) return path;
  return `${path}?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v.includes('%') ? v : encodeURIComponent(v)}`).join('&')}`;
}

export interface FuzzOptions {
  /** How many requests at least (operations are cycled until there are this many). */
  count: number;
  seed?: number;
  /** Values for path parameters of requests that break something else (e.g. an existing camera). */
  knownIds?: Record<string, string>;
}

/**
 * Requests that each break the operation's schema in one way. Operations with no input at all are
 * skipped: nothing about them can be malformed.
 */
export function malformedRequests(doc: Json, opts: FuzzOptions): FuzzRequest[] {
  const rnd = rng(opts.seed ?? 0x5eed);
  const known = opts.knownIds ?? {};
  const json = { 'content-type': 'application/json' };
  const perOp: FuzzRequest[][] = [];
  for (const op of operations(doc)) {
    const list: FuzzRequest[] = [];
    const base = fillPath(op.template, known);
    const needsBody = op.body !== undefined;
    const validishBody = needsBody ? '{}' : undefined;
    const add = (kind: string, path: string, body?: string, headers: Record<string, string> = body === undefined ? {} : json): void => {
      list.push({ kind, operation: `${op.method} ${op.template}`, method: op.method, path, headers, ...(body === undefined ? {} : { body }) });
    };
    // Path parameters: traversal, SQL, NUL, bad escapes, huge, unicode.
    for (const name of op.pathParams) {
      for (const v of HOSTILE_PATH_VALUES) add('path-param', fillPath(op.template, { ...known, [name]: v }), validishBody);
    }
    // Query parameters: wrong types, out of range, unknown, missing required, repeated.
    const required = op.query.filter((q) => q.required);
    const requiredPairs = (): Array<[string, string]> => required.map((q) => [q.name, 'x']);
    for (const q of op.query) {
      const others = requiredPairs().filter(([n]) => n !== q.name);
      for (const v of badQueryValues(q.schema)) add('query-type', withQuery(base, [...others, [q.name, v]]), validishBody);
      const t = typesOf(q.schema);
      if (t.has('number') && !t.has('string')) for (const v of LENIENT_NUMBERS) add('query-lenient', withQuery(base, [...others, [q.name, v]]), validishBody);
    }
    if (op.query.length) {
      add('query-unknown', withQuery(base, [...requiredPairs(), ['zz_unknown', '1']]), validishBody);
      add('query-unknown', withQuery(base, [...requiredPairs(), ['__proto__', '1'], ['constructor', 'x']]), validishBody);
    }
    if (required.length) add('query-missing', base, validishBody);
    const names = new Set(op.query.map((q) => q.name));
    if (names.has('from') && names.has('to')) add('query-range', withQuery(base, [['from', '2000000000'], ['to', '1000000000']]), validishBody);
    // JSON bodies: bad JSON, wrong top level, missing required, unknown fields, wrong types, oversized.
    if (op.body) {
      const props = (op.body.properties ?? {}) as Record<string, Json>;
      const requiredProps = (op.body.required as string[] | undefined) ?? [];
      for (const b of BAD_JSON) add('bad-json', base, b);
      for (const b of WRONG_TOP_LEVEL) add('body-top-level', base, b);
      add('bad-json', base, '');
      add('content-type', base, '{"a":1}', { 'content-type': 'text/plain' });
      add('content-type', base, 'a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' });
      if (requiredProps.length || op.body.oneOf || op.body.anyOf) add('body-missing', base, '{}');
      add('body-unknown', base, JSON.stringify({ zz_unknown_field: 1 }));
      add('body-unknown', base, '{"__proto__": {"role": "admin", "isAdmin": true}}');
      add('body-unknown', base, '{"constructor": {"prototype": {"polluted": 1}}}');
      for (const [name, schema] of Object.entries(props)) {
        const wrong = wrongTyped(schema, rnd);
        if (wrong !== undefined) add('body-type', base, JSON.stringify({ [name]: wrong }));
        if (typeof schema.maxLength === 'number') add('body-oversized-field', base, JSON.stringify({ [name]: 'x'.repeat(Number(schema.maxLength) + 1) }));
        if (typeof schema.maximum === 'number') add('body-range', base, JSON.stringify({ [name]: Number(schema.maximum) + 1 }));
        if (typeof schema.minimum === 'number') add('body-range', base, JSON.stringify({ [name]: Number(schema.minimum) - 1 }));
        if (Array.isArray(schema.enum)) add('body-enum', base, JSON.stringify({ [name]: 'not-a-member' }));
      }
      add('body-oversized', base, JSON.stringify({ blob: 'x'.repeat(1024 * 1024 + 100) }));
      add('body-deep', base, `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
      add('body-deep', base, `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
      add('body-numbers', base, '{"x": 1e400, "y": -0, "z": 123456789012345678901234567890}');
      add('body-binary', base, '\u00ff\u00fe\u0000\u0001garbage');
    }
    perOp.push(interleaveKinds(list));
  }
  // Cycle over operations so a smaller count still covers every one; repeat until `count`.
  const out: FuzzRequest[] = [];
  const cursors = perOp.map(() => 0);
  for (let round = 0; out.length < opts.count && perOp.length; round++) {
    let added = 0;
    perOp.forEach((list, i) => {
      if (!list.length) return;
      if (cursors[i]! >= list.length) cursors[i] = 0;
      out.push(list[cursors[i]!]!);
      cursors[i]!++;
      added++;
    });
    if (!added) break;
  }
  // A shuffle, so requests to one route are not all back to back.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
