import type { TelegramService } from '../../sync/telegram-service.js';
import type { AlertChannel } from './channel.js';

/** The message (with the annotated snapshot) to every connected Telegram chat, outside quiet hours. */
export function telegramChannel(telegram: Pick<TelegramService, 'enqueue'>): AlertChannel {
  return {
    name: 'telegram',
    initialState: (a) => (a.quiet ? 'quiet hours' : 'queued'),
    send: async (a, setState) => {
      if (a.quiet) return;
      const chats = telegram.enqueue(a.id, a.message, await a.photo());
      if (chats.length) for (const c of chats) setState('queued', c);
      else setState('not connected');
    },
  };
}
