import { Hono } from 'hono';
import { z } from 'zod';
import { intText } from './params.js';
import { ruleBodySchema } from '../alerts/rules.js';
import { testMessage } from '../alerts/messages.js';
import { access, type ApiEnv } from './access.js';
import { ApiError } from './errors.js';
import type { ApiDeps } from './types.js';
import { validate } from './validate.js';

/** Alert rules: everyone reads them, operators change them. */
export function alertRuleRoutes(deps: ApiDeps) {
  const find = (id: string) => {
    const r = deps.alerts.rules().find((x) => x.id === id);
    if (!r) throw new ApiError(404, 'ERR_NOT_FOUND', `no alert rule "${id}"`);
    return r;
  };
  return new Hono<ApiEnv>()
    .get('/', access('cameras:read'), (c) => c.json({ rules: deps.alerts.rules() }))
    .post('/', access('operate'), validate('json', ruleBodySchema), (c) => c.json(deps.alerts.createRule(c.req.valid('json')), 201))
    .get('/:id', access('cameras:read'), (c) => c.json(find(c.req.param('id'))))
    .put('/:id', access('operate'), validate('json', ruleBodySchema), (c) => c.json(deps.alerts.replaceRule(c.req.param('id'), c.req.valid('json'))))
    .delete('/:id', access('operate'), (c) => {
      deps.alerts.deleteRule(c.req.param('id'));
      return c.body(null, 204);
    });
}

/** What alerts sent (with each channel's delivery state), and the Telegram connection. */
export function notificationRoutes(deps: ApiDeps) {
  const list = z.strictObject({
    limit: intText().pipe(z.number().int().min(1).max(500)).default(50),
    /** The `next` of the previous page. */
    cursor: intText().pipe(z.number().int().min(1)).optional(),
    camera: z.string().min(1).optional(),
    rule: z.string().min(1).optional(),
  });
  const connect = z.strictObject({
    bot_token: z.string().regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC… (from @BotFather)'),
    chat_id: z.union([z.number().int(), z.string().regex(/^(-?\d+|@\w{4,})$/, 'a numeric chat id or @channelname')]).transform(String),
  });
  const test = () => {
    const s = deps.settings.get();
    return testMessage(s.language, s.site_name);
  };
  return new Hono<ApiEnv>()
    .get('/', access('events:read'), validate('query', list), (c) => {
      const q = c.req.valid('query');
      const rows = deps.alerts.notifications({ ...q, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      return c.json({ notifications: page, next: rows.length > q.limit ? page[page.length - 1]!.id : null });
    })
    .get('/telegram', access('operate'), (c) => c.json(deps.telegram.status()))
    .post('/telegram/connect', access('operate'), validate('json', connect), async (c) => {
      const b = c.req.valid('json');
      return c.json(await deps.telegram.connect(b.bot_token, b.chat_id, test()));
    })
    .post('/telegram/test', access('operate'), async (c) => c.json({ results: await deps.telegram.test(test()) }))
    .delete('/telegram', access('operate'), (c) => c.json(deps.telegram.disconnect()));
}

/**
 * For central servers: everything since a cursor, oldest first, and the cursor to continue from.
 * Asking again with the same cursor gives the same answer (idempotent); a consumer that stores the
 * cursor after processing a page resumes exactly where it stopped.
 */
/** Report bodies one /sync/reports page carries at most (a single larger report still goes alone). */
export const SYNC_PAGE_BYTES = 4 * 1024 * 1024;

export function syncRoutes(deps: ApiDeps) {
  const page = (max: number, dflt: number) =>
    z.strictObject({ cursor: intText().pipe(z.number().int().min(0)).default(0), limit: intText().pipe(z.number().int().min(1).max(max)).default(dflt), camera: z.string().min(1).optional() });
  return new Hono<ApiEnv>()
    .get('/events', access('events:read'), validate('query', page(1000, 500)), async (c) => {
      const q = c.req.valid('query');
      const rows = await deps.syncEvents(q.cursor, q.limit + 1, q.camera);
      const events = rows.slice(0, q.limit);
      return c.json({ events, next_cursor: events.length ? events[events.length - 1]!.id : q.cursor, has_more: rows.length > q.limit });
    })
    .get('/reports', access('reports:read'), validate('query', page(100, 20).omit({ camera: true })), async (c) => {
      const q = c.req.valid('query');
      // A page holds at most `limit` reports and about SYNC_PAGE_BYTES of them (always at least one).
      const { reports, more } = await deps.reports.after(q.cursor, q.limit, SYNC_PAGE_BYTES);
      return c.json({ reports, next_cursor: reports.length ? reports[reports.length - 1]!.seq : q.cursor, has_more: more });
    });
}
