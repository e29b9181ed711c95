import { useEffect, useRef } from 'preact/hooks';
import { api, wsUrl } from '../api/client';

export interface LiveMessage<D = unknown> {
  topic: string;
  camera?: string;
  data: D;
}

type Handler = (m: LiveMessage) => void;

interface Subscription {
  topics: readonly string[];
  /** Only these cameras; undefined = every camera. */
  cameras: readonly string[] | undefined;
  fn: Handler;
}

/** Same rule as the daemon's: `zone.*` covers a family; `session.progress` covers `analysis.*`. */
export function topicMatches(pattern: string, topic: string): boolean {
  if (pattern === topic) return true;
  if (pattern.endsWith('.*')) return topic.startsWith(pattern.slice(0, -1));
  return pattern === 'session.progress' && topic.startsWith('analysis.');
}

export type LiveState = 'idle' | 'connecting' | 'open' | 'closed';

/**
 * A WebSocket to /api/v1/live (the login cookie authenticates it) shared by the page's components:
 * they subscribe to topics and cameras, the socket's subscription on the daemon is the union of
 * theirs, so nothing is sent that no component shows. Reconnects with backoff while anyone listens.
 */
class LiveSocket {
  private ws: WebSocket | undefined;
  private readonly subs = new Set<Subscription>();
  private sentTopics = new Set<string>();
  private sentCameras = '';
  private syncQueued = false;
  private retryMs = 1000;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly stateListeners = new Set<(s: LiveState) => void>();
  state: LiveState = 'idle';

  subscribe(topics: readonly string[], cameras: readonly string[] | undefined, fn: Handler): () => void {
    const sub: Subscription = { topics, cameras, fn };
    this.subs.add(sub);
    clearTimeout(this.closeTimer);
    if (!this.ws) this.connect();
    else this.queueSync();
    return () => {
      this.subs.delete(sub);
      this.queueSync();
      // Page changes unsubscribe and subscribe again at once: keep the socket a moment.
      if (this.subs.size === 0) this.closeTimer = setTimeout(() => this.disconnect(), 3000);
    };
  }

  onState(fn: (s: LiveState) => void): () => void {
    this.stateListeners.add(fn);
    fn(this.state);
    return () => this.stateListeners.delete(fn);
  }

  /** Closes the socket (logout). */
  disconnect(): void {
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000);
    this.setState('idle');
  }

  private setState(s: LiveState): void {
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  private connect(): void {
    clearTimeout(this.retryTimer);
    this.setState('connecting');
    const ws = new WebSocket(wsUrl('/api/v1/live'));
    this.ws = ws;
    this.sentTopics = new Set();
    this.sentCameras = '';
    ws.onopen = () => {
      this.retryMs = 1000;
      this.setState('open');
      this.sync();
    };
    ws.onmessage = (ev) => {
      let m: LiveMessage;
      try {
        m = JSON.parse(String(ev.data)) as LiveMessage;
      } catch {
        return;
      }
      for (const s of this.subs) {
        if (m.camera !== undefined && s.cameras && !s.cameras.includes(m.camera)) continue;
        if (s.topics.some((p) => topicMatches(p, m.topic))) s.fn(m);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.setState('closed');
      if (this.subs.size === 0) return;
      // The access cookie may have expired: a request through the client refreshes it.
      this.retryTimer = setTimeout(() => {
        void api.GET('/api/v1/auth/me').finally(() => {
          if (!this.ws && this.subs.size > 0) this.connect();
        });
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15_000);
    };
  }

  private queueSync(): void {
    if (this.syncQueued) return;
    this.syncQueued = true;
    queueMicrotask(() => {
      this.syncQueued = false;
      this.sync();
    });
  }

  /** Sends the difference between what the daemon has and what the components want. */
  private sync(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const topics = new Set<string>();
    let all = false;
    const cams = new Set<string>();
    for (const s of this.subs) {
      for (const t of s.topics) topics.add(t);
      if (!s.cameras) all = true;
      else for (const c of s.cameras) cams.add(c);
    }
    const cameras = all ? [] : [...cams].sort();
    const camerasKey = all ? '*' : cameras.join('\u0000');
    const add = [...topics].filter((t) => !this.sentTopics.has(t));
    const remove = [...this.sentTopics].filter((t) => !topics.has(t));
    if (!add.length && !remove.length && camerasKey === this.sentCameras) return;
    // A camera list that selects nothing would mean "all" to the daemon: park on a name no camera has.
    const wire = !all && cameras.length === 0 ? ['\u0000none'] : cameras;
    ws.send(JSON.stringify({ ...(add.length ? { subscribe: add } : {}), ...(remove.length ? { unsubscribe: remove } : {}), cameras: wire }));
    this.sentTopics = topics;
    this.sentCameras = camerasKey;
  }
}

/**
 * Two sockets, because the daemon filters cameras per connection, not per topic: the 25-per-second
 * `tracks` of only the cameras on screen go over one, everything else (status, counts and events of
 * every camera) over the other — a page that lists all cameras does not pull every camera's boxes.
 */
const sockets = { events: new LiveSocket(), tracks: new LiveSocket() };
export const live = {
  get state(): LiveState {
    return sockets.events.state;
  },
  onState: (fn: (s: LiveState) => void) => sockets.events.onState(fn),
  subscribe(topics: readonly string[], cameras: readonly string[] | undefined, fn: Handler): () => void {
    return (topics.includes('tracks') ? sockets.tracks : sockets.events).subscribe(topics, cameras, fn);
  },
  disconnect(): void {
    sockets.events.disconnect();
    sockets.tracks.disconnect();
  },
};

/** Subscribes a component to live topics for as long as it is mounted (handler may change freely). */
export function useLive<D = unknown>(topics: readonly string[], cameras: readonly string[] | undefined, fn: (m: LiveMessage<D>) => void, enabled = true): void {
  const ref = useRef(fn);
  ref.current = fn;
  const topicKey = topics.join(',');
  const camKey = cameras?.join(',') ?? '*';
  useEffect(() => {
    if (!enabled) return;
    return live.subscribe(topicKey.split(','), camKey === '*' ? undefined : camKey ? camKey.split(',') : [], (m) => ref.current(m as LiveMessage<D>));
  }, [topicKey, camKey, enabled]);
}
