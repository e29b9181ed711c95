import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Received {
  method: string;
  chat_id: string;
  text?: string;
  caption?: string;
  photo?: { type: string; bytes: Buffer };
  /** sendDocument's file. */
  document?: { type: string; name: string; bytes: Buffer };
  /** sendVideo's file (issue 17: an alert's clip). */
  video?: { type: string; bytes: Buffer };
  at: number;
}

/**
 * A real HTTP server on 127.0.0.1 speaking the Bot API methods the appliance uses (getMe, sendMessage, sendPhoto, sendDocument, sendVideo), parsing
 * JSON and multipart bodies like Telegram does. `script` decides each answer: by default 200 OK;
 * push a status (500, 429 with retry_after, 400 …) to answer the next calls with it.
 */
export class TelegramTestServer {
  readonly received: Received[] = [];
  /** Answers for the next send calls, in order; empty = OK. */
  readonly script: Array<{ status: number; description?: string; retryAfter?: number }> = [];
  readonly token = '123456:TEST-token-abcdefghijklmnopqrstuvwxyz';
  readonly chats = new Set(['1001', '-100200']);
  attempts = 0;
  /** While true, a send call is taken and never answered (a stalled upload); the client has to give up. */
  hold = false;
  private server: Server | undefined;
  url = '';

  /** Starts listening (again, on the port it had, after `stop()`: an outage that ends). */
  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req).then(({ status, body }) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }));
    const port = this.url ? Number(new URL(this.url).port) : 0;
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!m || m[1] !== this.token) return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    const method = m[2]!;
    if (method === 'getMe') return { status: 200, body: { ok: true, result: { id: 123456, is_bot: true, first_name: 'Vantage test', username: 'vantage_test_bot' } } };
    if (method !== 'sendMessage' && method !== 'sendPhoto' && method !== 'sendDocument' && method !== 'sendVideo') return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    this.attempts++;
    if (this.hold) return new Promise(() => {});
    const next = this.script.shift();
    if (next && next.status !== 200) {
      return { status: next.status, body: { ok: false, error_code: next.status, description: next.description ?? 'scripted failure', ...(next.retryAfter ? { parameters: { retry_after: next.retryAfter } } : {}) } };
    }
    const r = new Request('http://x', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: Buffer.concat(chunks) });
    const got: Received = { method, chat_id: '', at: Date.now() };
    if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
      const b = (await r.json()) as { chat_id: string | number; text: string };
      got.chat_id = String(b.chat_id);
      got.text = b.text;
    } else {
      const form = await r.formData();
      got.chat_id = String(form.get('chat_id'));
      got.caption = String(form.get('caption') ?? '');
      const photo = form.get('photo');
      if (photo instanceof Blob) got.photo = { type: photo.type, bytes: Buffer.from(await photo.arrayBuffer()) };
      const doc = form.get('document');
      if (doc instanceof File) got.document = { type: doc.type, name: doc.name, bytes: Buffer.from(await doc.arrayBuffer()) };
      const video = form.get('video');
      if (video instanceof Blob) got.video = { type: video.type, bytes: Buffer.from(await video.arrayBuffer()) };
    }
    if (!this.chats.has(got.chat_id)) return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } };
    this.received.push(got);
    return { status: 200, body: { ok: true, result: { message_id: this.received.length } } };
  }
}
