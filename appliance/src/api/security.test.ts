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
});
