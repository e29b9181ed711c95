import { Hono } from 'hono';
import type { ApiDeps } from './types.js';

/** What the box is and how it is doing; and which model it runs. */
export function systemRoutes(deps: ApiDeps) {
  return new Hono()
    .get('/system', async (c) => c.json(await deps.system()))
    .get('/models', (c) => c.json({ models: [deps.model()] }));
}
