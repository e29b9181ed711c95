import { Hono } from 'hono';
import { z } from 'zod';
import { intText } from './params.js';
import type { AuthService } from '../auth/auth-service.js';
import { ROLES, SCOPES } from '../auth/roles.js';
import { access, principal, type ApiEnv } from './access.js';
import { usernameSchema } from './auth.js';
import { ApiError } from './errors.js';
import { validate } from './validate.js';

const idParam = z.strictObject({ id: intText().pipe(z.number().int().positive()) });

/** Users (admin only). */
export function userRoutes(auth: AuthService) {
  return new Hono<ApiEnv>()
    .get('/', access('admin'), (c) => c.json({ users: auth.users() }))
    .post('/', access('admin'), validate('json', z.strictObject({ username: usernameSchema, password: z.string().max(256), role: z.enum(ROLES) })), async (c) => {
      const b = c.req.valid('json');
      return c.json(await auth.createUser(b.username, b.password, b.role), 201);
    })
    .get('/:id', access('admin'), validate('param', idParam), (c) => {
      const u = auth.user(c.req.valid('param').id);
      if (!u) throw new ApiError(404, 'ERR_NOT_FOUND', `no user ${c.req.param('id')}`);
      return c.json(u);
    })
    .patch('/:id', access('admin'), validate('param', idParam), validate('json', z.strictObject({ role: z.enum(ROLES).optional(), password: z.string().max(256).optional() })), async (c) =>
      c.json(await auth.updateUser(c.req.valid('param').id, c.req.valid('json'))),
    )
    .delete('/:id', access('admin'), validate('param', idParam), (c) => {
      const id = c.req.valid('param').id;
      if (String(id) === principal(c).id && principal(c).kind === 'user') throw new ApiError(409, 'ERR_CONFLICT', 'you cannot delete yourself');
      auth.deleteUser(id);
      return c.body(null, 204);
    });
}

/** API keys for central servers and scripts (admin only); the key itself is shown once, at creation. */
export function apiKeyRoutes(auth: AuthService) {
  return new Hono<ApiEnv>()
    .get('/', access('admin'), (c) => c.json({ api_keys: auth.listKeys() }))
    .post('/', access('admin'), validate('json', z.strictObject({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(SCOPES)).min(1) })), async (c) => {
      const b = c.req.valid('json');
      const p = principal(c);
      return c.json(await auth.createKey(b.name, b.scopes, p.kind === 'user' ? Number(p.id) : null), 201);
    })
    .delete('/:id', access('admin'), (c) => {
      if (!auth.revokeKey(c.req.param('id'))) throw new ApiError(404, 'ERR_NOT_FOUND', `no active API key "${c.req.param('id')}"`);
      return c.body(null, 204);
    });
}
