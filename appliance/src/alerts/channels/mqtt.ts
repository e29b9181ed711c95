import type { AlertChannel, AlertClips } from './channel.js';

/**
 * The alert's body on `…/alerts` over MQTT (QoS 1, through the outbox); off without a broker. Where
 * the camera records, `…/alerts/<id>/clip` follows once the clip is recorded.
 */
export function mqttChannel(publish: ((body: Record<string, unknown>) => void) | undefined, clips?: AlertClips): AlertChannel {
  return {
    name: 'mqtt',
    initialState: () => (publish ? 'queued' : 'off (no broker)'),
    send: async (a) => {
      if (!publish) return;
      publish(a.body);
      const camera = a.details.camera;
      if (camera && a.rule.type !== 'camera_offline' && clips?.recorded(camera)) clips.announce(a.id, camera);
    },
  };
}
