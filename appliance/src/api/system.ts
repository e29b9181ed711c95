import { Hono } from 'hono';
import { access, type ApiEnv } from './access.js';
import type { ApiDeps } from './types.js';

/** What the box is and how it is doing; and which model it runs. */
export function systemRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .get('/system', access('cameras:read'), async (c) => c.json(await deps.system()))
    .get('/models', access('cameras:read'), (c) => c.json({ models: deps.models() }));
}
