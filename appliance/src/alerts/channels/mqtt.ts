import type { AlertChannel } from './channel.js';

/** The alert's body on `…/alerts` over MQTT (QoS 1, through the outbox); off without a broker. */
export function mqttChannel(publish: ((body: Record<string, unknown>) => void) | undefined): AlertChannel {
  return {
    name: 'mqtt',
    initialState: () => (publish ? 'queued' : 'off (no broker)'),
    send: async (a) => publish?.(a.body),
  };
}
