/**
 * Fault (c), part 2: malformed API requests generated from the daemon's own OpenAPI document
 * (GET /api/v1/openapi.json): wrong types, unknown fields, missing required ones, out of range,
 * oversized, bad JSON, a body that is not JSON, traversal- and SQL-looking path parameters. Short form
 * 1,000 requests, full 5,000. Every answer is a 4xx with a JSON error `{ error: { code, message } }`,
 * never a 5xx, never a stack trace or a file path; afterwards the daemon is healthy and its data intact.
 * Then a hostile corpus (hostile-corpus.ts: path walks, protocol strings, huge ranges, unicode tricks,
 * oversized arrays), each refused with a 4xx naming the field at fault; the summary counts each class.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CAMPUS, MEDIA, signIn } from '../helpers.js';
import { hostileRequests, type HostileClass } from './hostile-corpus.js';
import { daemonDir, FULL, integrityCheck, reportFigures, startDaemon, writeConfig, type Daemon } from './fault-kit.js';
import { malformedRequests, type FuzzRequest } from './openapi-fuzz.js';

const COUNT = FULL ? 5000 : 1000;
const LEAKS = /\n\s+at .+:\d+:\d+|node_modules|\/work\/|dist\/appliance|SqliteError|SQLITE_|TypeError|ReferenceError/;

describe(`fault: ${COUNT} malformed API requests fuzzed from the OpenAPI schemas`, () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.kill();
  });

  it('answers every one with a 4xx and a JSON error, no stack trace; the daemon stays healthy', async () => {
    const { dir, port, dbPath, head } = await daemonDir('fuzz');
    const cfg = writeConfig(dir, [...head, 'cameras:', `  - { id: cam, source: ${CAMPUS}, enabled: false }`]);
    daemon = await startDaemon(cfg, port);
    const token = await signIn(daemon.base);
    const auth = { authorization: `Bearer ${token}` };
    const doc = (await (await fetch(`${daemon.base}/api/v1/openapi.json`, { headers: auth })).json()) as Record<string, unknown>;
    const requests = malformedRequests(doc, { count: COUNT, knownIds: { id: 'cam' } });
    expect(requests.length).toBeGreaterThanOrEqual(COUNT);
    const operations = new Set(requests.map((r) => r.operation));

    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    const problems: string[] = [];
    let lenientAccepted = 0;
    const describeReq = (r: FuzzRequest) => `${r.kind}: ${r.method} ${r.path.slice(0, 160)}${r.body !== undefined ? ` body ${JSON.stringify(r.body.slice(0, 80))}` : ''}`;
    /** The answer with its JSON error (undefined when not JSON); undefined, and a problem noted, when none came. */
    const ask = async (r: FuzzRequest) => {
      let res: { status: number; text: string };
      try {
        res = await send(port, r, auth);
      } catch (e) {
        problems.push(`${describeReq(r)} → no answer: ${(e as Error).message}`);
        return undefined;
      }
      let error: { code?: unknown; message?: unknown; fields?: Array<{ field: string }> } | undefined;
      try {
        error = (JSON.parse(res.text) as { error?: typeof error }).error;
      } catch {
        // not JSON
      }
      return { ...res, error };
    };
    // A few at a time, like several clients.
    const queue = [...requests];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
        const res = await ask(r);
        if (!res) continue;
        const { text, error } = res;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        // Numbers written in hex, with an exponent or left empty are refused like any other wrong type.
        if (r.kind === 'query-lenient' && res.status < 300) lenientAccepted++;
        if (res.status >= 500) problems.push(`${describeReq(r)} → ${res.status} ${text.slice(0, 200)}`);
        else if (res.status < 400 || typeof error?.code !== 'string' || typeof error?.message !== 'string') problems.push(`${describeReq(r)} → ${res.status} ${text.slice(0, 200)}`);
        if (LEAKS.test(text)) problems.push(`${describeReq(r)} → leaks internals: ${text.slice(0, 300)}`);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: 4 }, worker));
    const seconds = (Date.now() - started) / 1000;

    expect(problems, `${problems.length} bad answers:\n${problems.slice(0, 40).join('\n')}`).toEqual([]);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);

    // The hostile corpus: one at a time, each a 4xx JSON error naming its field; the database stays.
    const dbBytes = statSync(dbPath).size;
    const corpus = hostileRequests({ dbPath, dataDir: dirname(dbPath), mediaDir: MEDIA, clip: CAMPUS, camera: 'cam', now: Math.floor(Date.now() / 1000) });
    const classes = new Map<HostileClass, number>();
    for (const r of corpus) {
      classes.set(r.kind, (classes.get(r.kind) ?? 0) + 1);
      const res = await ask(r);
      if (!res) continue;
      const { error } = res;
      if (res.status < 400 || res.status >= 500 || typeof error?.code !== 'string') problems.push(`${describeReq(r)} → ${res.status} ${res.text.slice(0, 200)}`);
      else if (r.field && !error.fields?.some((f) => f.field === r.field || f.field.startsWith(`${r.field}.`) || f.field.startsWith(`${r.field}[`))) problems.push(`${describeReq(r)} → ${res.status} does not name ${r.field}: ${res.text.slice(0, 200)}`);
      if (LEAKS.test(res.text)) problems.push(`${describeReq(r)} → leaks internals: ${res.text.slice(0, 300)}`);
      if (!existsSync(dbPath)) problems.push(`${describeReq(r)} → the database file is gone`);
    }
    expect(problems, `${problems.length} bad answers to the hostile corpus:\n${problems.slice(0, 40).join('\n')}`).toEqual([]);
    expect(statSync(dbPath).size).toBeGreaterThanOrEqual(dbBytes);
    const sessions = (await (await fetch(`${daemon.base}/api/v1/sessions`, { headers: auth })).json()) as { sessions: unknown[] };
    expect(sessions.sessions).toEqual([]);
    expect(daemon.alive()).toBe(true);
    expect((await fetch(`${daemon.base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${daemon.base}/readyz`);
    expect(ready.status).toBe(200);
    // Nothing malformed changed anything: still one camera, one user, and valid requests work.
    const cams = (await (await fetch(`${daemon.base}/api/v1/cameras`, { headers: auth })).json()) as { cameras: Array<{ id: string }> };
    expect(cams.cameras.map((c) => c.id)).toEqual(['cam']);
    const users = (await (await fetch(`${daemon.base}/api/v1/users`, { headers: auth })).json()) as { users: unknown[] };
    expect(users.users).toHaveLength(1);
    const { code } = await daemon.kill('SIGTERM');
    daemon = undefined;
    expect(code).toBe(0);
    expect(integrityCheck(dbPath)).toBe('ok');

    reportFigures('api-fuzz', {
      requests_fuzzed: requests.length,
      operations: operations.size,
      seconds: Math.round(seconds * 10) / 10,
      status_counts: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
      kinds: Object.fromEntries(kinds),
      lenient_numbers_accepted: lenientAccepted,
      server_errors: [...statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0),
      hostile: Object.fromEntries(classes),
    });
  }, 240_000);
});

/**
 * One request on its own connection (node:http, no keep-alive): a connection the server closes after
 * refusing one request (an oversized body is answered before it is read) cannot fail the next one.
 */
function send(port: number, r: FuzzRequest, auth: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const req = request(
      { host: '127.0.0.1', port, method: r.method, path: r.path, agent: false, headers: { ...r.headers, ...auth, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    // The server may answer (413) and close before taking the whole body: that is an answer, not a failure.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    req.end(body);
  });
}
