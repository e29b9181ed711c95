import type { TelegramService } from '../../sync/telegram-service.js';
import type { AlertChannel } from './channel.js';
import { mqttChannel } from './mqtt.js';
import { telegramChannel } from './telegram.js';

export type { AlertChannel, AlertClips, OutgoingAlert } from './channel.js';
import type { AlertClips } from './channel.js';

/** What the channels send through. */
export interface ChannelDeps {
  telegram: Pick<TelegramService, 'enqueue' | 'enqueueClip'>;
  /** Publishes to `…/alerts` over MQTT; absent without a broker. */
  publishMqtt: ((body: Record<string, unknown>) => void) | undefined;
  /** Clips (issue 17): absent without recordings. */
  clips?: AlertClips;
}

/** Every alert channel, in the order a firing goes out on them (a rule picks some by name). */
export function alertChannels(d: ChannelDeps): AlertChannel[] {
  return [mqttChannel(d.publishMqtt, d.clips), telegramChannel(d.telegram, d.clips)];
}
