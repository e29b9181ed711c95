/** The one place the Telegram Bot API is spoken (plain HTTPS requests; the base URL is configurable). */
import { diagnostic, type Diagnostic } from '../util/diagnostic.js';

/** The most a bot may upload, in MB (Bot API: photos 10 MB, other files 50 MB). */
export const UPLOAD_LIMIT_MB = { sendPhoto: 10, sendVideo: 50, sendDocument: 50 } as const;

export class TelegramError extends Error {
  constructor(
    /** HTTP status, or 0 when the request never got an answer. */
    readonly status: number,
    readonly description: string,
    /** Seconds Telegram asked us to wait (429). */
    readonly retryAfter?: number,
    /** The Bot API method that was refused (sendPhoto …). */
    readonly method?: string,
  ) {
    super(`telegram ${status || 'unreachable'}: ${description}`);
  }

  /** The request can never succeed as it is (bad token, bad chat, bot blocked): do not retry. */
  get permanent(): boolean {
    return this.status === 400 || this.status === 401 || this.status === 403 || this.status === 404;
  }

  /**
   * The refusal as a stable code and its figures (util/diagnostic.ts); `description`, Telegram's own
   * words ("Bad Request: chat not found", "Forbidden: bot was blocked by the user"), stays the detail.
   */
  get diagnostic(): Diagnostic {
    const s = this.status;
    if (s === 0) return diagnostic('telegram_network');
    // An unknown token is answered 401, a malformed one 404 ("Not Found").
    if (s === 401 || s === 404) return diagnostic('telegram_bad_token', { status: s });
    if (s === 400 && /chat not found/i.test(this.description)) return diagnostic('telegram_chat_not_found');
    if (s === 403) return diagnostic('telegram_blocked');
    if (s === 429) return diagnostic('telegram_rate_limited', { seconds: this.retryAfter ?? 5 });
    if (s === 413) return diagnostic('telegram_too_large', { limit_mb: UPLOAD_LIMIT_MB[this.method as keyof typeof UPLOAD_LIMIT_MB] ?? UPLOAD_LIMIT_MB.sendDocument });
    if (s === 400) return diagnostic('telegram_bad_request');
    if (s >= 500) return diagnostic('telegram_server_error', { status: s });
    return diagnostic('other');
  }
}

interface Reply<T> {
  ok: boolean;
  result?: T;
  description?: string;
  error_code?: number;
  parameters?: { retry_after?: number };
}

export class TelegramClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 15_000,
  ) {}

  getMe(): Promise<{ id: number; username: string; first_name: string }> {
    return this.call('getMe', undefined);
  }

  sendMessage(chatId: string | number, text: string): Promise<{ message_id: number }> {
    return this.call('sendMessage', JSON.stringify({ chat_id: chatId, text, disable_web_page_preview: true }));
  }

  sendPhoto(chatId: string | number, jpeg: Buffer, caption: string): Promise<{ message_id: number }> {
    const form = new FormData();
    form.set('chat_id', String(chatId));
    form.set('caption', caption.slice(0, 1024));
    form.set('photo', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'snapshot.jpg');
    return this.call('sendPhoto', form);
  }

  /** A file (a report's PDF or CSV) with a caption. */
  sendDocument(chatId: string | number, bytes: Buffer, filename: string, type: string, caption: string): Promise<{ message_id: number }> {
    const form = new FormData();
    form.set('chat_id', String(chatId));
    form.set('caption', caption.slice(0, 1024));
    form.set('document', new Blob([new Uint8Array(bytes)], { type }), filename);
    return this.call('sendDocument', form);
  }

  /** An MP4 clip (an alert's video, issue 17), the caption under it. */
  sendVideo(chatId: string | number, mp4: Buffer, caption: string): Promise<{ message_id: number }> {
    const form = new FormData();
    form.set('chat_id', String(chatId));
    form.set('caption', caption.slice(0, 1024));
    form.set('supports_streaming', 'true');
    form.set('video', new Blob([new Uint8Array(mp4)], { type: 'video/mp4' }), 'clip.mp4');
    return this.call('sendVideo', form);
  }

  private async call<T>(method: string, body: string | FormData | undefined): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl.replace(/\/$/, '')}/bot${this.token}/${method}`, {
        method: 'POST',
        ...(typeof body === 'string' ? { headers: { 'content-type': 'application/json' } } : {}),
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new TelegramError(0, e instanceof Error ? e.message : String(e), undefined, method);
    }
    let reply: Reply<T> | undefined;
    try {
      reply = (await res.json()) as Reply<T>;
    } catch {
      // not JSON (a proxy's error page)
    }
    if (res.ok && reply?.ok) return reply.result as T;
    throw new TelegramError(res.status, reply?.description ?? res.statusText, reply?.parameters?.retry_after, method);
  }
}
