/**
 * The one place `ws` is imported: live events over WebSocket at /api/v1/live, and the server's upgrade
 * dispatch, which hands other WebSocket paths (the live video's MPEG-1 stream) to their routes.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import { HOST_REFUSAL } from '../auth/allowed-hosts.js';
import { matches, toMessage, topicAccess, TOPICS, type LiveMessage } from './topics.js';
import { allows, type Access, type Principal } from '../auth/roles.js';

export const LIVE_PATH = '/api/v1/live';

/** Another WebSocket path on the same server: it authenticates and answers the upgrade itself (see `upgrade`). */
export interface UpgradeRoute {
  matches(path: string): boolean;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

interface Client {
  ws: WebSocket;
  /** Who opened the socket; every topic is checked against it, and the socket closes when it loses access. */
  principal: Principal;
  topics: Set<string>;
  /** Only these cameras (all when empty). */
  cameras: Set<string>;
}

export interface LiveHubOptions {
  /** A client whose unsent data passes this is dropped, so it never slows anyone else. */
  maxBufferedBytes: number;
  /** Who opens the socket (ticket, key, bearer or cookie); refused with 401 when nobody. */
  authenticate(req: IncomingMessage): Promise<Principal | undefined>;
  /** Whether a principal let in earlier still may do `need` (not revoked, deleted or changed). */
  holds(p: Principal, need: Access): boolean;
  /** Whether a Host header names this box; an upgrade for another name is refused with 421 (every Host passes when absent). */
  hostAllowed?: (host: string | undefined) => boolean;
  /** Where every camera stands now (for a new camera.status subscriber), and the periodic topics: counts and system stats. */
  poll: {
    cameraStatus(): Array<{ id: string; status: string; fps: number; lastError: string | null }>;
    /** Per camera: active tracks, zone occupancy, and the live figures of analytic engines that have some. */
    counts(): Array<{ camera: string; activeTracks: number; zones: Record<string, Record<string, number>>; analytics?: Record<string, unknown> }>;
    system(): Promise<Record<string, unknown>>;
  };
}

/**
 * Fans pipeline events out to WebSocket clients by topic. Sending never waits: a client that cannot
 * keep up is closed (1013) once its buffer passes the bound, and counted.
 */
export class LiveHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  private readonly routes: UpgradeRoute[] = [];
  dropped = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly opts: LiveHubOptions,
    private readonly log: Logger,
  ) {}

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.opts.hostAllowed && !this.opts.hostAllowed(req.headers.host)) {
        const body = JSON.stringify({ error: { code: 'ERR_BAD_REQUEST', message: HOST_REFUSAL, fields: [{ field: 'Host', message: 'not a name of this box' }] } });
        socket.end(`HTTP/1.1 421 Misdirected Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      const path = (req.url ?? '').split('?')[0];
      const route = this.routes.find((r) => r.matches(path ?? ''));
      if (route) {
        route.handleUpgrade(req, socket, head);
        return;
      }
      if (path !== LIVE_PATH) {
        socket.destroy();
        return;
      }
      void this.opts.authenticate(req).then(
        (p) => {
          if (!p || !allows(p, 'cameras:read')) {
            const status = p ? '403 Forbidden' : '401 Unauthorized';
            socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"code":"${p ? 'ERR_FORBIDDEN' : 'ERR_UNAUTHORIZED'}"}}`);
            return;
          }
          this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, p));
        },
        () => socket.destroy(),
      );
    });
  }

  /** Hands upgrades of the paths `route` matches to it (before this hub's own path). */
  route(route: UpgradeRoute): void {
    this.routes.push(route);
  }

  /** Completes the WebSocket handshake of a request a route has accepted; rejects when the handshake is refused. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const refused = (): void => reject(new Error('WebSocket handshake refused'));
      socket.once('close', refused);
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('close', refused);
        resolve(ws);
      });
    });
  }

  /** Starts publishing: bus events as they come (camera.status among them), the periodic topics on their timers. */
  start(): void {
    this.unsubscribe = this.bus.subscribe((e) => {
      if (this.clients.size === 0) return; // nothing to build for nobody
      const m = toMessage(e);
      if (m) this.publish(m);
    });
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    // Access taken away outside this process (the CLI revoking a key, a login reaching its end) is seen here.
    every(5000, () => this.recheck());
    every(1000, () => {
      if (this.wants('counts')) for (const c of this.opts.poll.counts()) this.publish({ topic: 'counts', camera: c.camera, data: c });
    });
    every(5000, () => {
      if (this.wants('system.stats')) void this.opts.poll.system().then((data) => this.publish({ topic: 'system.stats', data }));
    });
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    this.unsubscribe?.();
    for (const t of this.timers) clearInterval(t);
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
    this.wss.close();
  }

  /** Closes (1008) the sockets whose principal no longer may read live data: logged out, revoked, deleted, role changed. */
  recheck(): void {
    for (const c of this.clients) {
      if (this.opts.holds(c.principal, 'cameras:read')) continue;
      this.clients.delete(c);
      c.ws.close(1008, 'access revoked');
      setTimeout(() => c.ws.terminate(), 1000).unref();
    }
  }

  private accept(ws: WebSocket, principal: Principal): void {
    const client: Client = { ws, principal, topics: new Set(), cameras: new Set() };
    this.clients.add(client);
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    ws.on('message', (raw) => this.onMessage(client, raw.toString()));
    this.send(client, { topic: 'hello', data: { topics: TOPICS } });
  }

  /** `{ "subscribe": [topics], "cameras"?: [ids] }` or `{ "unsubscribe": [topics] }`. */
  private onMessage(client: Client, text: string): void {
    let msg: { subscribe?: unknown; unsubscribe?: unknown; cameras?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.send(client, { topic: 'error', data: { message: 'messages must be JSON' } });
      return;
    }
    const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    const unknown = [...list(msg.subscribe), ...list(msg.unsubscribe)].filter((t) => !(TOPICS as readonly string[]).includes(t));
    if (unknown.length) {
      this.send(client, { topic: 'error', data: { field: 'subscribe', message: `unknown topics: ${unknown.join(', ')}`, topics: TOPICS } });
      return;
    }
    const forbidden = list(msg.subscribe).filter((t) => !allows(client.principal, topicAccess(t)));
    if (forbidden.length) {
      const needs = [...new Set(forbidden.map(topicAccess))].join(', ');
      this.send(client, { topic: 'error', data: { field: 'subscribe', message: `not allowed: ${forbidden.join(', ')} (needs ${needs})` } });
      return;
    }
    for (const t of list(msg.subscribe)) client.topics.add(t);
    for (const t of list(msg.unsubscribe)) client.topics.delete(t);
    if (msg.cameras !== undefined) client.cameras = new Set(list(msg.cameras));
    this.send(client, { topic: 'subscribed', data: { topics: [...client.topics], cameras: [...client.cameras] } });
    // A new camera.status subscriber gets where every camera stands now, not only later changes.
    if (list(msg.subscribe).includes('camera.status')) {
      for (const cam of this.opts.poll.cameraStatus()) {
        if (!client.cameras.size || client.cameras.has(cam.id)) this.send(client, { topic: 'camera.status', camera: cam.id, data: cam });
      }
    }
  }

  private wants(topic: string): boolean {
    for (const c of this.clients) for (const p of c.topics) if (matches(p, topic)) return true;
    return false;
  }

  private publish(m: LiveMessage): void {
    let text: string | undefined;
    for (const c of this.clients) {
      if (m.camera !== undefined && c.cameras.size && !c.cameras.has(m.camera)) continue;
      let wanted = false;
      for (const p of c.topics) if (matches(p, m.topic)) wanted = true;
      if (!wanted || !allows(c.principal, topicAccess(m.topic))) continue;
      text ??= JSON.stringify(m);
      this.sendText(c, text);
    }
  }

  private send(c: Client, m: LiveMessage): void {
    this.sendText(c, JSON.stringify(m));
  }

  private sendText(c: Client, text: string): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    if (c.ws.bufferedAmount > this.opts.maxBufferedBytes) {
      this.dropped++;
      this.clients.delete(c);
      this.log.warn({ buffered: c.ws.bufferedAmount }, 'live client too slow; dropped');
      c.ws.close(1013, 'too slow');
      c.ws.terminate();
      return;
    }
    c.ws.send(text);
  }
}
