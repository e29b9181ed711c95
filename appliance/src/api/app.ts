import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Logger } from '../logger.js';
import { cameraRoutes } from './cameras.js';
import { cameraAnalyticsRoutes, eventRoutes } from './analytics.js';
import { reportRoutes } from './reports.js';
import { sessionRoutes, UPLOAD_PATH } from './sessions.js';
import { contractReportRoutes, videoAnalysisRoutes } from './ai-service.js';
import { CONTRACT_TAG, CONTRACT_TAG_DESCRIPTION } from './ai-service-views.js';
import { sessionVideoRoutes } from './session-video.js';
import { auditRoutes } from './audits.js';
import { coverageRoutes } from './coverage.js';
import { liveVideoRoutes } from './live-video.js';
import { recordingRoutes } from './recordings.js';
import { ApiError, errorResponse } from './errors.js';
import { healthRoutes } from './health.js';
import { systemRoutes } from './system.js';
import type { ApiDeps } from './types.js';
import { openApiDocument } from './openapi.js';
import { join } from 'node:path';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { rateLimit } from './rate-limit.js';
import { access, authenticate, type ApiEnv } from './access.js';
import { authRoutes } from './auth.js';
import { alertRuleRoutes, notificationRoutes, syncRoutes } from './alerts.js';
import { apiKeyRoutes, userRoutes } from './users.js';
import { liveTicketRoutes, settingsRoutes } from './settings.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import { HOST_REFUSAL } from '../auth/allowed-hosts.js';
import { overviewRoutes } from './overview.js';
import { clientAddressResolver } from './client-address.js';

/** The whole HTTP surface: probes, /api/v1 resources (one sub-app each) and the dashboard's files. */
export function createApp(deps: ApiDeps, log: Logger) {
  const limiter = new LoginLimiter(10, () => deps.clock.now());
  const clientAddress = clientAddressResolver(deps.trustedProxies ?? []);
  const api = new Hono<ApiEnv>()
    .use('*', authenticate(deps.auth))
    .route('/auth', authRoutes({ auth: deps.auth, limiter, clientAddress, setupCode: deps.setupCode, secureCookies: deps.secureCookies }))
    .route('/users', userRoutes(deps.auth))
    .route('/api-keys', apiKeyRoutes(deps.auth))
    .route('/settings', settingsRoutes(deps.settings))
    .route('/live', liveTicketRoutes(deps.auth))
    .route('/cameras', cameraRoutes(deps))
    .route('/cameras', cameraAnalyticsRoutes(deps))
    .route('/cameras', liveVideoRoutes(deps))
    .route('/cameras', coverageRoutes(deps))
    .route('/events', eventRoutes(deps))
    .route('/reports', reportRoutes(deps))
    .route('/sessions', sessionRoutes(deps))
    // The video-analytics backend's AI-service contract (an adapter over sessions and reports).
    .route('/video', videoAnalysisRoutes(deps))
    .route('/reports', contractReportRoutes(deps))
    .route('/sessions', sessionVideoRoutes(deps))
    .route('/audits', auditRoutes(deps))
    .route('/alert-rules', alertRuleRoutes(deps))
    .route('/notifications', notificationRoutes(deps))
    .route('/sync', syncRoutes(deps))
    // recordings (issue 17): /cameras/:id/recordings, /cameras/:id/vod.m3u8, /recordings/segments/:id, /events/:id/clip.mp4|thumb.jpg, /notifications/:id/clip.mp4
    .route('/', recordingRoutes(deps))
    .route('/overview', overviewRoutes(deps)) // issue 19 (h19b): the first screen's figures
    .route('/', systemRoutes(deps))
    .get('/openapi.json', access('any'), (c) => c.json(document()));
  // Built on first request, from the finished app (it lists every mounted route).
  let doc: Record<string, unknown> | undefined;
  const document = (): Record<string, unknown> => (doc ??= openApiDocument(app as unknown as Hono, { title: 'Vantage API', version: deps.version }, [{ name: CONTRACT_TAG, description: CONTRACT_TAG_DESCRIPTION }]));
  // Video uploads stream to disk under their own limit; every other body is small JSON.
  const jsonLimit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: (c) => c.json({ error: { code: 'ERR_TOO_LARGE', message: 'request body over 1 MiB', fields: [{ field: 'body', message: 'over 1 MiB' }] } }, 413),
  });
  const hostAllowed = deps.hostAllowed;
  const app = new Hono()
    .use('*', async (c, next) => {
      // Every request, before anything else: a page that rebound its own name to this address is refused.
      if (hostAllowed && !hostAllowed(c.req.header('host'))) {
        return c.json({ error: { code: 'ERR_BAD_REQUEST', message: HOST_REFUSAL, fields: [{ field: 'Host', message: 'not a name of this box' }] } }, 421);
      }
      return next();
    })
    .use(
      '*',
      secureHeaders({
        contentSecurityPolicy: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
        },
        crossOriginEmbedderPolicy: false,
      }),
    )
    .use('/api/*', rateLimit({ perMinute: deps.rateLimitPerMinute, clientAddress }))
    .use('/api/*', (c, next) => (c.req.path === UPLOAD_PATH ? next() : jsonLimit(c, next)))
    .route('/', healthRoutes(deps))
    .route('/api/v1', api)
    .get('/api/docs', serveStatic({ path: join(deps.webRoot, 'api-docs.html') }))
    .all('/api/*', () => {
      throw new ApiError(404, 'ERR_NOT_FOUND', 'no such API route');
    })
    .use('/*', serveStatic({ root: deps.webRoot }));
  app.onError((e, c) => errorResponse(e, c, (err) => log.error({ err }, 'unhandled API error')));
  app.notFound((c) => c.json({ error: { code: 'ERR_NOT_FOUND', message: 'not found' } }, 404));
  return app;
}

export type AppType = ReturnType<typeof createApp>;
