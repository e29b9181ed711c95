import type { ApplianceEvent } from '../events.js';
import type { Access } from '../auth/roles.js';
import { EVENT_TYPES, eventType } from '../store/event-types.js';

/** Topics a live client may subscribe to; `zone.*` and `alert.*` match every event of the family. */
export const TOPICS = ['camera.status', 'tracks', 'counts', 'zone.*', 'line.cross', 'alert.*', 'session.progress', 'system.stats'] as const;

/**
 * What reading a topic (or a subscription pattern) needs, as the HTTP routes of the same data ask: the
 * analytic events (zone.*, line.cross, every type in store/event-types) and alerts are events
 * (`events:read`, like GET /events and /notifications); the rest is camera state (`cameras:read`).
 */
export function topicAccess(topic: string): Access {
  const events = topic.startsWith('alert.') || Object.values(EVENT_TYPES).some((spec) => matches(topic, spec.liveTopic));
  return events ? 'events:read' : 'cameras:read';
}

export interface LiveMessage {
  topic: string;
  camera?: string;
  data: unknown;
}

/** Whether a subscription pattern (a topic, or `family.*`) covers a message topic. */
export function matches(pattern: string, topic: string): boolean {
  if (pattern === topic) return true;
  if (pattern.endsWith('.*')) return topic.startsWith(pattern.slice(0, -1));
  // session.progress covers the analysis lifecycle messages
  return pattern === 'session.progress' && topic.startsWith('analysis.');
}

/** The live message for a pipeline event, or undefined for events that are not published. */
export function toMessage(e: ApplianceEvent): LiveMessage | undefined {
  switch (e.type) {
    case 'track.update':
      return { topic: 'tracks', camera: e.camera, data: { t: e.t, seq: e.seq, ...(e.pts === undefined ? {} : { pts: e.pts }), ...(e.rtp === undefined ? {} : { rtp: e.rtp }), inferred: e.inferred, tracks: e.tracks.map((t) => ({ id: t.id, class: t.classId, box: t.box, score: t.score })) } };
    case 'camera.status':
      return { topic: 'camera.status', camera: e.camera, data: e.view };
    case 'alert.fired':
      return { topic: 'alert.fired', ...(e.camera ? { camera: e.camera } : {}), data: e.notification };
    case 'analysis.started':
    case 'analysis.progress':
    case 'analysis.completed':
    case 'analysis.failed': {
      const { type, ...data } = e;
      return { topic: type, data };
    }
    default: {
      const spec = eventType(e.type);
      if (!spec || !('camera' in e)) return undefined;
      const { camera, type: _type, ...data } = e;
      return { topic: spec.liveTopic, camera, data };
    }
  }
}
