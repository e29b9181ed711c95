import type { TelegramService } from '../../sync/telegram-service.js';
import type { AlertChannel, AlertClips } from './channel.js';

/**
 * The message (with the annotated snapshot) to every connected Telegram chat, outside quiet hours;
 * where the camera records, its clip follows the photo (sendVideo, once the post roll is recorded).
 */
export function telegramChannel(telegram: Pick<TelegramService, 'enqueue' | 'enqueueClip'>, clips?: AlertClips): AlertChannel {
  return {
    name: 'telegram',
    initialState: (a) => (a.quiet ? 'quiet hours' : 'queued'),
    send: async (a, setState) => {
      if (a.quiet) return;
      const chats = telegram.enqueue(a.id, a.message, await a.photo());
      const camera = a.details.camera;
      if (chats.length && camera && a.rule.type !== 'camera_offline' && clips?.recorded(camera)) telegram.enqueueClip(a.id, a.message);
      if (chats.length) for (const c of chats) setState('queued', c);
      else setState('not connected');
    },
  };
}
