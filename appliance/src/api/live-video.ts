import { Hono } from 'hono';
import { z } from 'zod';
import { validate } from './validate.js';
import { access, principal, type ApiEnv } from './access.js';
import { ApiError } from './errors.js';
import type { ApiDeps } from './types.js';

/** A browser's offer, as `RTCSessionDescription.toJSON()` gives it. */
const offerSchema = z.strictObject({
  type: z.literal('offer'),
  sdp: z
    .string()
    .max(64 * 1024)
    .regex(/^v=0\r?\n/, 'must be an SDP offer (starting with v=0)'),
});

/**
 * The live view of a camera: `POST …/:id/webrtc` answers a WebRTC offer (non-trickle: the answer
 * carries this box's host candidates); `GET …/:id/mpeg1` is a WebSocket (MPEG-TS for JSMpeg) served
 * by the upgrade handler in live-video/, listed here so a plain GET says so and the API document shows it.
 * Under privacy.blur the MPEG-1 stream is refused (403: it is not the analysed frames, so it cannot be
 * blurred); the WebRTC picture is served blurred.
 */
export function liveVideoRoutes(deps: ApiDeps) {
  return new Hono<ApiEnv>()
    .post('/:id/webrtc', access('cameras:read'), validate('json', offerSchema), async (c) => {
      const sdp = await deps.liveVideo.answer(c.req.param('id'), c.req.valid('json').sdp, principal(c));
      return c.json({ type: 'answer' as const, sdp });
    })
    .get('/:id/mpeg1', access('cameras:read'), () => {
      throw new ApiError(426, 'ERR_BAD_REQUEST', 'this is a WebSocket (MPEG-TS for JSMpeg): connect with Upgrade: websocket and a bearer header, an X-API-Key, ?ticket= or the dashboard cookie');
    });
}
