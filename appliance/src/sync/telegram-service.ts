import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import { VantageError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { KeyValue } from '../store/key-value.js';
import type { Outbox, OutboxMessage } from '../store/outbox.js';
import { TelegramClient, TelegramError, UPLOAD_LIMIT_MB } from './telegram-client.js';
import { message, type Language } from '../alerts/locale/text.js';
import { diagnostic, type DiagnosticParams } from '../util/diagnostic.js';

export const TELEGRAM_CHANNEL = 'telegram';
const KEY = 'telegram.connection';

interface Stored {
  bot_token?: string;
  chat_ids?: string[];
  bot_username?: string;
  state?: 'ok' | 'failed';
  reason?: string | null;
  /** The reason as a stable code and its figures (TelegramError.diagnostic). */
  reason_code?: string | null;
  reason_params?: DiagnosticParams | null;
  /** The token and chats that failed: a different token or chat list (config edited) is tried afresh. */
  failed_for?: string;
  changed_at?: number;
}

export interface TelegramStatus {
  configured: boolean;
  /** Where the bot token comes from. */
  source: 'api' | 'config' | null;
  bot_username: string | null;
  chat_ids: string[];
  /** `failed`: Telegram refused for good (bad chat, blocked bot); nothing is sent until reconnected. */
  state: 'unconfigured' | 'ok' | 'failed';
  reason: string | null;
  /** `reason` as a stable code (telegram_chat_not_found, telegram_blocked …) and its figures, for a sentence in the reader's language. */
  reason_code: string | null;
  reason_params: DiagnosticParams | null;
  queued: number;
  failed_messages: number;
}

/** One chat's answer to a test message: `error` as Telegram or the network said it, beside its code and figures. */
export interface TestResult {
  chat_id: string;
  ok: boolean;
  error?: string;
  error_code?: string;
  error_params?: DiagnosticParams;
}

interface Payload {
  id: string;
  notification_id: number | null;
  chat_id: string;
  text: string;
  /** Base64 JPEG, sent with sendPhoto and the text as its caption. */
  photo?: string;
  /** A file sent with sendDocument and the text as its caption (scheduled reports). */
  document?: { name: string; type: string; base64: string };
  /** An alert's clip, sent with sendVideo once recorded (the file is found when the message is sent). */
  clip?: { kind: 'notification'; id: number };
}

/** Bots may upload videos up to 50 MB; a larger clip is announced as text with its API path instead. */
const MAX_VIDEO_BYTES = UPLOAD_LIMIT_MB.sendVideo * 1024 * 1024;
/** A clip whose post roll is still being recorded is asked for again this much later (holding back the messages after it). */
const CLIP_RETRY_MS = 2000;

/** Where an alert's clip is: its file, 'later' while its post roll is being recorded, null when there will be none. */
export type ClipFiles = (kind: 'notification', id: number) => Promise<string | 'later' | null>;

/**
 * Telegram alerts through the outbox: messages are stored first, then sent in order per box; a 429
 * waits the retry_after Telegram gives, a 5xx or a network error backs off, and a 400/403 (bad chat,
 * blocked bot) marks the message and the channel failed, with the reason visible in the API, instead
 * of retrying forever. Connecting again (or a config change) gives the failed messages another chance.
 */
export class TelegramService {
  private timer: NodeJS.Timeout | undefined;
  private sending = false;

  constructor(
    private readonly cfg: { bot_token?: string | undefined; chat_ids: Array<string | number>; base_url: string },
    private readonly kv: KeyValue,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Told about each message's fate (for the notifications history). */
    private readonly onDelivery: (notificationId: number, chat: string, state: string) => void = () => {},
    /** The site's language (settings.language): words this service adds to a message are written in it. */
    private readonly language: () => Language = () => 'en',
  ) {}

  private stored(): Stored {
    const s = this.kv.setting(KEY);
    return s ? (JSON.parse(s) as Stored) : {};
  }

  private save(s: Stored): void {
    this.kv.putSetting(KEY, JSON.stringify({ ...s, changed_at: this.clock.now() }), this.clock.now());
  }

  private effective(): { token: string; chats: string[]; source: 'api' | 'config' } | undefined {
    const s = this.stored();
    if (s.bot_token) return { token: s.bot_token, chats: s.chat_ids ?? [], source: 'api' };
    if (this.cfg.bot_token) return { token: this.cfg.bot_token, chats: this.cfg.chat_ids.map(String), source: 'config' };
    return undefined;
  }

  status(): TelegramStatus {
    const e = this.effective();
    const s = this.stored();
    const failed = this.failedNow();
    return {
      configured: e !== undefined && e.chats.length > 0,
      source: e?.source ?? null,
      bot_username: s.bot_username ?? null,
      chat_ids: e?.chats ?? [],
      state: !e ? 'unconfigured' : failed ? 'failed' : 'ok',
      reason: failed ? (s.reason ?? null) : null,
      reason_code: failed ? (s.reason_code ?? (s.reason ? 'other' : null)) : null,
      reason_params: failed ? (s.reason_params ?? (s.reason ? {} : null)) : null,
      queued: this.outbox.depth(TELEGRAM_CHANNEL, this.clock.now()).messages,
      failed_messages: this.outbox.failedCount(TELEGRAM_CHANNEL),
    };
  }

  /** Whether the current token and chats are marked failed. */
  private failedNow(): boolean {
    const e = this.effective();
    const s = this.stored();
    return !!e && s.state === 'failed' && s.failed_for === `${e.token}|${e.chats.join(',')}`;
  }

  /** Checks the token (getMe), sends a test message to the chat, then stores both. */
  async connect(token: string, chatId: string, testText: string): Promise<TelegramStatus> {
    const client = new TelegramClient(this.cfg.base_url, token);
    let me: { username: string };
    try {
      me = await client.getMe();
    } catch (e) {
      throw this.apiError(e, 'bot_token', 'Telegram refused the bot token');
    }
    try {
      await client.sendMessage(chatId, testText);
    } catch (e) {
      throw this.apiError(e, 'chat_id', 'Telegram refused the chat');
    }
    const chats = this.stored().bot_token === token ? [...new Set([...(this.stored().chat_ids ?? []), chatId])] : [chatId];
    this.save({ bot_token: token, chat_ids: chats, bot_username: me.username, state: 'ok', reason: null });
    const revived = this.outbox.revive(TELEGRAM_CHANNEL, this.clock.now());
    this.log.info({ bot: me.username, chats: chats.length, revived }, 'telegram connected');
    this.kick();
    return this.status();
  }

  /** Forgets the API-set connection (the config file's, if any, applies again). */
  disconnect(): TelegramStatus {
    this.save({});
    return this.status();
  }

  /** Sends a test message to every chat now (not through the outbox), answering per chat. */
  async test(text: string): Promise<TestResult[]> {
    const e = this.effective();
    if (!e || !e.chats.length) throw new VantageError('ERR_CONFLICT', 'Telegram is not connected: POST /api/v1/notifications/telegram/connect first');
    const client = new TelegramClient(this.cfg.base_url, e.token);
    const out: TestResult[] = [];
    for (const chat of e.chats) {
      try {
        await client.sendMessage(chat, text);
        out.push({ chat_id: chat, ok: true });
      } catch (err) {
        const d = err instanceof TelegramError ? err.diagnostic : diagnostic('other');
        out.push({ chat_id: chat, ok: false, error: err instanceof Error ? err.message : String(err), error_code: d.code, error_params: d.params });
      }
    }
    return out;
  }

  /**
   * Queues an alert's clip for every chat, after its photo (the outbox keeps the order per chat): sent
   * with sendVideo once `clips` finds it, skipped when there is none.
   */
  enqueueClip(notificationId: number, caption: string): string[] {
    const e = this.effective();
    if (!e) return [];
    const now = this.clock.now();
    for (const chat of e.chats) this.outbox.enqueue(TELEGRAM_CHANNEL, `chat:${chat}`, { notification_id: notificationId, chat_id: chat, text: caption, clip: { kind: 'notification', id: notificationId } }, { now });
    this.kick();
    return e.chats;
  }

  /** Where alerts' clips are found (recordings/private-media.ts); without it clip messages are skipped. */
  clips: ClipFiles | undefined;

  /** Queues a message (with an optional photo) for every chat; returns the chats it was queued for. */
  enqueue(notificationId: number | null, text: string, jpeg?: Buffer): string[] {
    const e = this.effective();
    if (!e) return [];
    const now = this.clock.now();
    for (const chat of e.chats) {
      this.outbox.enqueue(TELEGRAM_CHANNEL, `chat:${chat}`, { notification_id: notificationId, chat_id: chat, text, ...(jpeg ? { photo: jpeg.toString('base64') } : {}) }, { now });
    }
    this.kick();
    return e.chats;
  }

  /**
   * Queues a file (with a caption) for `chats`, or for every connected chat when none are named;
   * returns the chats it was queued for (none without a bot token).
   */
  enqueueDocument(file: { name: string; type: string; bytes: Buffer }, caption: string, chats?: readonly string[]): string[] {
    const e = this.effective();
    if (!e) return [];
    const now = this.clock.now();
    const to = chats?.length ? [...chats] : e.chats;
    const document = { name: file.name, type: file.type, base64: file.bytes.toString('base64') };
    for (const chat of to) this.outbox.enqueue(TELEGRAM_CHANNEL, `chat:${chat}`, { notification_id: null, chat_id: chat, text: caption, document }, { now });
    this.kick();
    return to;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.sending) await new Promise((r) => setTimeout(r, 20));
  }

  kick(): void {
    if (this.sending) return;
    this.sending = true;
    void this.drain()
      .catch((err: unknown) => this.log.error({ err }, 'telegram delivery loop failed'))
      .finally(() => (this.sending = false));
  }

  private async drain(): Promise<void> {
    const e = this.effective();
    if (!e || this.failedNow()) return;
    const client = new TelegramClient(this.cfg.base_url, e.token);
    for (;;) {
      const batch = this.outbox.due(TELEGRAM_CHANNEL, this.clock.now(), 20);
      if (!batch.length) return;
      for (const m of batch) if (!(await this.deliver(client, m))) return; // keep order: stop at a failure
    }
  }

  private async deliver(client: TelegramClient, m: OutboxMessage): Promise<boolean> {
    const p = JSON.parse(m.payload) as Payload;
    try {
      if (p.clip) return await this.deliverClip(client, m, p);
      if (p.document) await client.sendDocument(p.chat_id, Buffer.from(p.document.base64, 'base64'), p.document.name, p.document.type, p.text);
      else if (p.photo) await client.sendPhoto(p.chat_id, Buffer.from(p.photo, 'base64'), p.text);
      else await client.sendMessage(p.chat_id, p.text);
      this.outbox.markDelivered(m.id, this.clock.now());
      if (p.notification_id !== null) this.onDelivery(p.notification_id, p.chat_id, 'delivered');
      return true;
    } catch (err) {
      const now = this.clock.now();
      if (err instanceof TelegramError && err.status === 429) {
        const wait = (err.retryAfter ?? 5) * 1000;
        this.outbox.retryAt(m, now + wait);
        this.log.warn({ retryAfterS: wait / 1000 }, 'telegram rate limit; waiting as told');
      } else if (err instanceof TelegramError && err.status === 413) {
        // Too large for a bot: this message can never go, the next ones can (the chat is fine).
        const reason = `${err.status}: ${err.description}`;
        this.outbox.markDead(m.id, reason, now);
        if (p.notification_id !== null) this.onDelivery(p.notification_id, p.chat_id, `failed: ${reason}`);
        this.log.error({ chat: p.chat_id, reason, limitMb: err.diagnostic.params.limit_mb }, 'telegram refused a message as too large; dropped');
        return true;
      } else if (err instanceof TelegramError && err.permanent) {
        const reason = `${err.status}: ${err.description}`;
        this.outbox.markDead(m.id, reason, now);
        const e = this.effective();
        const d = err.diagnostic;
        this.save({ ...this.stored(), state: 'failed', reason: `chat ${p.chat_id}: ${reason}`, reason_code: d.code, reason_params: { ...d.params, chat: p.chat_id }, ...(e ? { failed_for: `${e.token}|${e.chats.join(',')}` } : {}) });
        if (p.notification_id !== null) this.onDelivery(p.notification_id, p.chat_id, `failed: ${reason}`);
        this.log.error({ chat: p.chat_id, reason }, 'telegram refused the message; channel marked failed until reconnected');
      } else {
        this.outbox.markFailed(m, now);
        this.log.warn({ err: err instanceof Error ? err.message : String(err), attempts: m.attempts + 1 }, 'telegram delivery failed; will retry');
      }
      return false;
    }
  }

  /** A clip message: sent when its file is there, tried again shortly while it is being recorded, dropped when none will come. */
  private async deliverClip(client: TelegramClient, m: OutboxMessage, p: Payload): Promise<boolean> {
    const file = this.clips
      ? await this.clips(p.clip!.kind, p.clip!.id).catch((err: unknown) => {
          this.log.error({ err, notification: p.clip!.id }, 'telegram: the alert\'s clip cannot be made; sent without it');
          return null;
        })
      : null;
    if (file === 'later') {
      this.outbox.retryAt(m, this.clock.now() + CLIP_RETRY_MS);
      return false;
    }
    if (file !== null) {
      const size = statSync(file).size;
      if (size <= MAX_VIDEO_BYTES) await client.sendVideo(p.chat_id, await readFile(file), p.text);
      else {
        const vars = { path: `/api/v1/notifications/${p.clip!.id}/clip.mp4`, size: Math.round(size / 1048576), limit: UPLOAD_LIMIT_MB.sendVideo };
        await client.sendMessage(p.chat_id, `${p.text}\n${message(this.language(), 'telegram.clipTooLarge', vars)}`);
      }
    } else {
      this.log.info({ notification: p.clip!.id }, 'telegram: the alert has no clip (not recorded); nothing sent');
    }
    this.outbox.markDelivered(m.id, this.clock.now());
    return true;
  }

  private apiError(e: unknown, field: string, refused: string): VantageError {
    if (e instanceof TelegramError && e.permanent) return new VantageError('ERR_BAD_REQUEST', `${refused}: ${e.description}`, { field });
    return new VantageError('ERR_UPSTREAM', `Telegram is unreachable: ${e instanceof Error ? e.message : String(e)}`);
  }
}
