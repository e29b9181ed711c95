import { Hono } from 'hono';
import type { ApiDeps } from './types.js';

/** Unauthenticated probes: liveness, readiness (DB open, model loaded) and Prometheus metrics. */
export function healthRoutes(deps: ApiDeps) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok', version: deps.version }))
    .get('/readyz', (c) => {
      const r = deps.readiness();
      // "degraded": serving and analysing, but a check (e.g. disk space) needs attention.
      const status = !r.ready ? 'not ready' : Object.values(r.checks).every((x) => x.ok) ? 'ready' : 'degraded';
      return c.json({ status, checks: r.checks }, r.ready ? 200 : 503);
    })
    .get('/metrics', async (c) => {
      const m = await deps.metrics();
      return c.body(m.body, 200, { 'Content-Type': m.contentType });
    });
}
