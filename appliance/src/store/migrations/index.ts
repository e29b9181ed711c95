import type { Migration } from 'kysely';
import { initial } from './001-initial.js';
import { tracks } from './002-tracks.js';
import { cameraOverrides } from './003-camera-overrides.js';
import { analytics } from './004-analytics.js';
import { sessionShapes } from './005-session-shapes.js';
import { outbox } from './006-outbox.js';
import { auth } from './007-auth.js';
import { alerts } from './008-alerts.js';
import { sessionUploadFlag } from './009-session-upload-flag.js';
import { sessionAnalysis } from './010-session-analysis.js';
import { audits } from './011-audits.js';
import { recordings } from './012-recordings.js';
import { sessionModel } from './013-session-model.js';
import { privacyBoxes } from './014-privacy-boxes.js';
import { siteAreaRows } from './015-site-area-rows.js';
import { sessionVideoTime } from './016-session-video-time.js';

/** Every migration, in order. Names sort lexically; never rename or edit one that has shipped. */
export const MIGRATIONS: Record<string, Migration> = {
  '001-initial': initial,
  '002-tracks': tracks,
  '003-camera-overrides': cameraOverrides,
  '004-analytics': analytics,
  '005-session-shapes': sessionShapes,
  '006-outbox': outbox,
  '007-auth': auth,
  '008-alerts': alerts,
  '009-session-upload-flag': sessionUploadFlag,
  '010-session-analysis': sessionAnalysis,
  '011-audits': audits,
  '012-recordings': recordings,
  '013-session-model': sessionModel,
  '014-privacy-boxes': privacyBoxes,
  '015-site-area-rows': siteAreaRows,
  '016-session-video-time': sessionVideoTime,
};
