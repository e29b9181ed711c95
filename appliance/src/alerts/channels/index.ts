import type { TelegramService } from '../../sync/telegram-service.js';
import type { AlertChannel } from './channel.js';
import { mqttChannel } from './mqtt.js';
import { telegramChannel } from './telegram.js';

export type { AlertChannel, OutgoingAlert } from './channel.js';

/** What the channels send through. */
export interface ChannelDeps {
  telegram: Pick<TelegramService, 'enqueue'>;
  /** Publishes to `…/alerts` over MQTT; absent without a broker. */
  publishMqtt: ((body: Record<string, unknown>) => void) | undefined;
}

/** Every alert channel, in the order a firing goes out on them (a rule picks some by name). */
export function alertChannels(d: ChannelDeps): AlertChannel[] {
  return [mqttChannel(d.publishMqtt), telegramChannel(d.telegram)];
}
