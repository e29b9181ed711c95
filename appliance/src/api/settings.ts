import { Hono } from 'hono';
import type { AuthService } from '../auth/auth-service.js';
import { settingsPatchSchema, type SettingsService } from '../settings.js';
import { access, principal, type ApiEnv } from './access.js';
import { validate } from './validate.js';

/** Run-time settings: everyone signed in reads them, admins change them. */
export function settingsRoutes(settings: SettingsService) {
  return new Hono<ApiEnv>()
    .get('/', access('cameras:read'), (c) => c.json(settings.get()))
    .put('/', access('admin'), validate('json', settingsPatchSchema), (c) => c.json(settings.update(c.req.valid('json'))));
}

/** Tickets for opening the live WebSocket from a page that cannot set headers on it. */
export function liveTicketRoutes(auth: AuthService) {
  return new Hono<ApiEnv>().post('/ticket', access('cameras:read'), (c) => c.json(auth.issueTicket(principal(c)), 201));
}
