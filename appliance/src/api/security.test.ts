import { describe, expect, it } from 'vitest';
import { apiHarness } from '../../test/api-harness.js';

const make = async (rateLimitPerMinute: number) => {
  const h = await apiHarness({ rateLimitPerMinute });
  const auth = await h.bearer('admin');
  return { request: (path: string, init: RequestInit = {}) => h.app.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } }) };
};

describe('HTTP hardening', () => {
  it('sends secure headers: CSP with frame-ancestors none, nosniff, no framing', async () => {
    const res = await (await make(0)).request('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('access-control-allow-origin')).toBeNull(); // CORS closed
  });

  it('refuses bodies over 1 MiB with 413 naming the body', async () => {
    const big = JSON.stringify({ id: 'x', source: 'a'.repeat(1024 * 1024) });
    const res = await (await make(0)).request('/api/v1/cameras', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(big.length) }, body: big });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_TOO_LARGE', fields: [{ field: 'body' }] } });
  });

  it('answers 429 with Retry-After past the per-client request limit', async () => {
    const app = await make(5);
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await app.request('/api/v1/cameras')).status);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const res = await app.request('/api/v1/cameras');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await app.request('/healthz')).status).toBe(200); // probes are not limited
  });

  it('reads numbers in query and path parameters only in decimal digits: hex, exponents and empty values are 400 with the field', async () => {
    const app = await make(0);
    for (const [path, field] of [
      ['/api/v1/notifications?limit=0x1F', 'limit'],
      ['/api/v1/notifications?limit=1e2', 'limit'],
      ['/api/v1/notifications?cursor=', 'cursor'],
      ['/api/v1/sync/events?limit=%20', 'limit'],
      ['/api/v1/users/0x1', 'id'],
      ['/api/v1/events?from=12abc', 'from'],
    ] as const) {
      const res = await app.request(path);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { error: { fields: Array<{ field: string }> } };
      expect(body.error.fields.map((f) => f.field), path).toContain(field);
    }
    // The document still says what they are.
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, { parameters: Array<{ name: string; schema: { type?: string } }> }>> };
    expect(doc.paths['/api/v1/notifications']!.get!.parameters.find((p) => p.name === 'limit')!.schema.type).toBe('integer');
  });
});
