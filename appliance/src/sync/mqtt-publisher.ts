/** The one place `mqtt` is imported: delivers the outbox's MQTT channel to a broker. */
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Outbox, OutboxMessage } from '../store/outbox.js';
import { redactUrl } from '../util/redact.js';
import { diagnostic, type Diagnostic } from '../util/diagnostic.js';

export const MQTT_CHANNEL = 'mqtt';

export interface MqttOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId: string;
  keepalive: number;
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  /** `vantage/<site>/<device>` */
  prefix: string;
}

/**
 * Keeps a connection to the broker (mqtt.js reconnects by itself), announces `status` online
 * (retained; the last will says offline), and drains the outbox in order: a message is marked
 * delivered only once the broker acknowledged it (PUBACK for QoS 1). While the broker is away,
 * messages wait in SQLite.
 */
export class MqttPublisher {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  connected = false;
  /** Why the broker cannot be reached or refused us, until the next connect: its words and its code. */
  lastError: (Diagnostic & { text: string }) | null = null;

  constructor(
    private readonly opts: MqttOptions,
    private readonly outbox: Outbox,
    private readonly log: Logger,
    private readonly clock: Clock,
    /** Messages on `<prefix>/cmd/<name>`. */
    private readonly onCommand: (name: string, payload: Buffer) => void = () => {},
    /** Told about each message the broker acknowledged. */
    private readonly onDelivered: (m: OutboxMessage) => void = () => {},
  ) {}

  start(): void {
    const o = this.opts;
    const status = `${o.prefix}/status`;
    this.client = mqtt.connect(o.url, {
      clientId: o.clientId,
      keepalive: o.keepalive,
      reconnectPeriod: 2000,
      connectTimeout: 5000,
      clean: true,
      ...(o.username ? { username: o.username } : {}),
      ...(o.password ? { password: o.password } : {}),
      ...(o.ca ? { ca: readFileSync(o.ca) } : {}),
      ...(o.cert ? { cert: readFileSync(o.cert) } : {}),
      ...(o.key ? { key: readFileSync(o.key) } : {}),
      will: { topic: status, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client.on('connect', () => {
      this.connected = true;
      this.lastError = null;
      this.log.info({ broker: redactUrl(o.url) }, 'mqtt connected');
      this.client!.publish(status, 'online', { qos: 1, retain: true });
      this.client!.subscribe(`${o.prefix}/cmd/+`, { qos: 1 });
      void this.drain();
    });
    this.client.on('message', (topic, payload) => {
      if (topic.startsWith(`${o.prefix}/cmd/`)) this.onCommand(topic.slice(o.prefix.length + 5), payload);
    });
    this.client.on('close', () => {
      if (this.connected) this.log.warn({ broker: redactUrl(o.url) }, 'mqtt disconnected; messages wait in the outbox');
      this.connected = false;
    });
    this.client.on('error', (err) => {
      this.lastError = { ...mqttDiagnostic(err), text: redactUrl(err.message) };
      this.log.warn({ err: err.message }, 'mqtt error');
    });
    this.timer = setInterval(() => void this.drain(), 500);
    this.timer.unref();
  }

  /** Sends what is due, in order, stopping at the first failure (order is kept). */
  async drain(): Promise<void> {
    if (this.draining || !this.connected || !this.client) return;
    this.draining = true;
    try {
      for (;;) {
        const batch = this.outbox.due(MQTT_CHANNEL, this.clock.now(), 100);
        if (!batch.length) return;
        for (const m of batch) {
          try {
            await this.client.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain });
            this.outbox.markDelivered(m.id, this.clock.now());
            this.onDelivered(m);
          } catch (e) {
            this.outbox.markFailed(m, this.clock.now());
            this.log.warn({ err: (e as Error).message, topic: m.topic }, 'mqtt publish failed; will retry');
            return;
          }
          if (!this.connected) return;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** A direct reply (a snapshot): not kept in the outbox, lost if the broker is away. */
  async publishNow(topic: string, payload: Buffer): Promise<void> {
    if (!this.client || !this.connected) return;
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  /** Publishes `offline` (retained) and disconnects, after a last drain. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const c = this.client;
    if (!c) return;
    if (this.connected) {
      // Let a drain in progress finish, then send what was queued meanwhile (sources are stopped by now).
      const deadline = Date.now() + 3000;
      while (this.draining && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await this.drain();
      await c.publishAsync(`${this.opts.prefix}/status`, 'offline', { qos: 1, retain: true }).catch(() => undefined);
    }
    await c.endAsync(true).catch(() => undefined);
  }
}

/**
 * An mqtt.js connection error as a stable code (util/diagnostic.ts), from what mqtt.js really emits:
 * Node's socket errors (`connect ECONNREFUSED 127.0.0.1:1883`, `getaddrinfo ENOTFOUND broker.lan`,
 * a TLS failure) and the broker's CONNACK refusal (`Connection refused: Not authorized`, code 5;
 * `Bad username or password`, 4; MQTT 5: 134, 135).
 */
export function mqttDiagnostic(err: Error & { code?: string | number }): Diagnostic {
  const code = err.code;
  if (typeof code === 'number') return [4, 5, 134, 135].includes(code) ? diagnostic('mqtt_auth_failed', { code }) : diagnostic('mqtt_refused', { code });
  if (code === 'ECONNREFUSED') return diagnostic('mqtt_connection_refused');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    const host = /getaddrinfo \w+ (\S+)/.exec(err.message)?.[1];
    return diagnostic('mqtt_host_unreachable', host ? { host } : {});
  }
  if (code === 'ETIMEDOUT') return diagnostic('mqtt_timeout');
  if (/TLS|certificate|CERT_|SSL/i.test(`${String(code)} ${err.message}`)) return diagnostic('mqtt_tls');
  return diagnostic('other');
}
