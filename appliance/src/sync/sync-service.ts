import { message, type Language } from '../alerts/locale/text.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../store/outbox.js';
import { eventType } from '../store/event-types.js';
import { MQTT_CHANNEL, MqttPublisher } from './mqtt-publisher.js';
import { EngineTopicThrottle, engineTopics } from './engine-topics.js';
import type { DiagnosticParams } from '../util/diagnostic.js';

/** What `cameras/<id>/status` says of a camera (a part of the API's camera view). */
interface CameraStatusView {
  id: string;
  status: string;
  lastError: string | null;
  lastErrorCode?: string | null;
  lastErrorParams?: DiagnosticParams | null;
}

/**
 * What leaves the box over MQTT, under `vantage/<site>/<device>/`: zone and line events (`events`,
 * QoS 1), camera status (`cameras/<id>/status`, retained) and occupancy (`cameras/<id>/counts`,
 * retained, every 10 s), the engines' live queue, capacity, area and speed figures (sync/engine-topics.ts,
 * retained, on change, at most every `mqtt.analytics_seconds` per topic), reports (`reports/hourly|daily|scheduled`, QoS 1), system stats (`stats`, every 60 s). Everything goes through the
 * outbox first, so a broker outage or a restart loses nothing.
 */
export class SyncService {
  private readonly prefix: string;
  private publisher: MqttPublisher | undefined;
  private unsubscribe: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private lastStatus = new Map<string, string>();
  private haTopics = new Set<string>();
  private haSignature = '';

  constructor(
    private readonly cfg: Readonly<Config>,
    private readonly outbox: Outbox,
    private readonly bus: EventBus,
    private readonly poll: {
      cameras(): Array<CameraStatusView & { name: string; activeTracks: number }>;
      occupancy(camera: string): Record<string, Record<string, number>>;
      system(): Promise<Record<string, unknown>>;
      snapshot(camera: string): Promise<Buffer | undefined>;
      /** A report of the last hour, generated now. */
      reportNow(): Promise<Record<string, unknown>>;
      /** The camera's engines' live figures by engine name (queues, occupancy, speed); absent: none published. */
      analytics?(camera: string): unknown;
      /** The site's language (settings.language): Home Assistant's sensor names are written in it. */
      language?(): Language;
    },
    private readonly log: Logger,
    private readonly clock: Clock,
    /** An alert (by its notification id) reached the broker. */
    private readonly onAlertDelivered: (notificationId: number) => void = () => {},
  ) {
    this.prefix = `vantage/${cfg.site.name}/${cfg.site.device}`;
  }

  start(): void {
    const m = this.cfg.mqtt;
    if (!m) return;
    this.publisher = new MqttPublisher(
      { url: m.url, username: m.username, password: m.password, clientId: m.client_id ?? `vantage-${this.cfg.site.device}`, keepalive: m.keepalive, ca: m.ca, cert: m.cert, key: m.key, prefix: this.prefix },
      this.outbox,
      this.log,
      this.clock,
      (name, payload) => void this.command(name, payload).catch((err: unknown) => this.log.warn({ err, command: name }, 'mqtt command failed')),
      (msg) => {
        if (msg.topic !== `${this.prefix}/alerts`) return;
        const id = (JSON.parse(msg.payload) as { notification_id?: unknown }).notification_id;
        if (typeof id === 'number') this.onAlertDelivered(id);
      },
    );
    this.publisher.start();
    // Camera status: where each camera stands now, then every change as the bus announces it.
    for (const c of this.poll.cameras()) this.cameraStatus(c);
    this.unsubscribe = this.bus.subscribe((e) => {
      if (e.type === 'camera.status') this.cameraStatus(e.view);
      else {
        const spec = eventType(e.type);
        if (spec && 'camera' in e && 't' in e) {
          const { type, camera, t, ...rest } = e;
          this.enqueue(spec.mqttTopic, { type, camera, time: new Date(t * 1000).toISOString(), ...rest });
        }
      }
    });
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    const counts = () => {
      for (const c of this.poll.cameras()) {
        const zones = this.poll.occupancy(c.id);
        const totals = Object.fromEntries(Object.entries(zones).map(([z, byClass]) => [z, Object.values(byClass).reduce((a, b) => a + b, 0)]));
        this.enqueue(`cameras/${c.id}/counts`, { zones, totals, active: c.activeTracks, time: new Date(this.clock.now()).toISOString() }, true);
      }
      if (m.home_assistant.enabled) this.announceToHomeAssistant(m.home_assistant.prefix);
    };
    counts();
    every(10_000, counts);
    // Issue 18: the engines' live figures, each on its retained state topic, throttled.
    const analytics = this.poll.analytics;
    if (analytics) {
      const throttle = new EngineTopicThrottle(m.analytics_seconds * 1000);
      const engines = () => {
        const { publish, clear } = throttle.due(this.clock.now(), engineTopics(this.poll.cameras().map((c) => ({ id: c.id, live: analytics(c.id) }))));
        const time = new Date(this.clock.now()).toISOString();
        for (const [suffix, figures] of publish) this.enqueue(suffix, { ...figures, time }, true);
        for (const suffix of clear) this.publishRaw(`${this.prefix}/${suffix}`, '');
      };
      engines();
      every(Math.min(1000, m.analytics_seconds * 1000), engines);
    }
    every(60_000, () => {
      void this.poll.system().then((stats) => this.enqueue('stats', { ...stats, outbox: this.depth(), time: new Date(this.clock.now()).toISOString() }));
      const dropped = this.outbox.enforceBounds(this.cfg.outbox.max_messages, this.cfg.outbox.max_age_hours * 3_600_000, this.clock.now());
      if (dropped) this.log.warn({ dropped }, 'outbox over its bounds; oldest undelivered messages dropped');
    });
  }

  /**
   * `cmd/snapshot` (`{"camera": id}`, or every camera) publishes JPEGs to `cameras/<id>/snapshot`;
   * `cmd/report` generates a report of the last hour now and publishes it to `reports/requested`.
   * Other commands are ignored with a log line.
   */
  private async command(name: string, payload: Buffer): Promise<void> {
    if (name === 'snapshot') {
      let wanted: string | undefined;
      try {
        const body = payload.length ? (JSON.parse(payload.toString()) as { camera?: unknown }) : {};
        if (typeof body.camera === 'string') wanted = body.camera;
      } catch {
        this.log.warn({ command: name }, 'mqtt command payload is not JSON; ignored');
        return;
      }
      for (const c of this.poll.cameras()) {
        if (wanted && c.id !== wanted) continue;
        const jpeg = await this.poll.snapshot(c.id);
        if (jpeg) await this.publisher?.publishNow(`${this.prefix}/cameras/${c.id}/snapshot`, jpeg);
      }
    } else if (name === 'report') {
      this.enqueue('reports/requested', await this.poll.reportNow());
    } else {
      this.log.info({ command: name }, 'unknown mqtt command ignored');
    }
  }

  /**
   * Home Assistant MQTT discovery (retained configs under `<prefix>/sensor/…/config`): a sensor per
   * camera (objects tracked now) and per zone (occupancy), reading the retained `counts` topic and
   * going unavailable with the box's `status`. A zone or camera that disappears gets an empty config,
   * which removes its sensor.
   */
  private announceToHomeAssistant(haPrefix: string): void {
    const { name: site, device } = this.cfg.site;
    const slug = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');
    const node = slug(`vantage_${site}_${device}`);
    const lang = this.poll.language?.() ?? 'en';
    const dev = { identifiers: [node], name: `Vantage ${site}/${device}`, manufacturer: 'Vantage', model: message(lang, 'mqtt.ha.model') };
    const wanted = new Map<string, Record<string, unknown>>();
    for (const c of this.poll.cameras()) {
      const common = { state_topic: `${this.prefix}/cameras/${c.id}/counts`, availability_topic: `${this.prefix}/status`, payload_available: 'online', payload_not_available: 'offline', state_class: 'measurement', unit_of_measurement: message(lang, 'mqtt.ha.unit'), device: dev };
      wanted.set(`${haPrefix}/sensor/${node}/${slug(c.id)}_objects/config`, { ...common, name: message(lang, 'mqtt.ha.objects', { camera: c.name }), unique_id: `${node}_${slug(c.id)}_objects`, value_template: '{{ value_json.active }}', icon: 'mdi:cctv' });
      for (const zone of Object.keys(this.poll.occupancy(c.id))) {
        wanted.set(`${haPrefix}/sensor/${node}/${slug(c.id)}_${slug(zone)}_occupancy/config`, {
          ...common,
          name: message(lang, 'mqtt.ha.occupancy', { camera: c.name, zone }),
          unique_id: `${node}_${slug(c.id)}_${slug(zone)}_occupancy`,
          value_template: `{{ value_json.totals[${JSON.stringify(zone)}] | default(0) }}`,
          icon: 'mdi:account-group',
        });
      }
    }
    // A new language re-announces every sensor under its new name.
    const signature = JSON.stringify([lang, ...[...wanted.keys()].sort()]);
    if (signature === this.haSignature) return;
    for (const topic of this.haTopics) if (!wanted.has(topic)) this.publishRaw(topic, '');
    for (const [topic, body] of wanted) this.publishRaw(topic, JSON.stringify(body));
    this.haTopics = new Set(wanted.keys());
    this.haSignature = signature;
  }

  /** A retained message on an absolute topic, as is (discovery configs carry no message id). */
  private publishRaw(topic: string, payload: string): void {
    this.outbox.enqueueRaw(MQTT_CHANNEL, topic, payload, { qos: 1, retain: true, now: this.clock.now() });
    void this.publisher?.drain();
  }

  /** A camera's status (retained on `cameras/<id>/status`), when it differs from the last one published. */
  private cameraStatus(c: CameraStatusView): void {
    if (this.lastStatus.get(c.id) === c.status) return;
    this.lastStatus.set(c.id, c.status);
    // last_error_code/params: the error as a stable code and its figures (sources/source-diagnostic.ts).
    const diag = { last_error_code: c.lastErrorCode ?? null, last_error_params: c.lastErrorParams ?? null };
    this.enqueue(`cameras/${c.id}/status`, { status: c.status, last_error: c.lastError, ...diag, time: new Date(this.clock.now()).toISOString() }, true);
  }

  /** An alert that fired (QoS 1 on `alerts`). */
  publishAlert(body: Record<string, unknown>): void {
    if (this.cfg.mqtt) this.enqueue('alerts', body);
  }

  /** An alert's clip is recorded (issue 17): `alerts/<id>/clip` with the API path that serves it. */
  publishClip(notificationId: number, camera: string): void {
    if (this.cfg.mqtt) this.enqueue(`alerts/${notificationId}/clip`, { notification_id: notificationId, camera, url: `/api/v1/notifications/${notificationId}/clip.mp4` });
  }

  /** A report the daemon generated on its schedule. */
  publishReport(kind: 'hourly' | 'daily' | 'scheduled', report: Record<string, unknown>): void {
    if (this.cfg.mqtt) this.enqueue(`reports/${kind}`, report);
  }

  depth(): { messages: number; oldestAgeSeconds: number; dropped: number } {
    return { ...this.outbox.depth(MQTT_CHANNEL, this.clock.now()), dropped: this.outbox.dropped };
  }

  get connected(): boolean {
    return this.publisher?.connected ?? false;
  }

  /** Why the broker is not reached (its words, code and figures), null while connected or not configured. */
  get lastError(): MqttPublisher['lastError'] {
    return this.publisher?.lastError ?? null;
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    for (const t of this.timers) clearInterval(t);
    await this.publisher?.stop();
  }

  private enqueue(suffix: string, body: Record<string, unknown>, retain = false): void {
    this.outbox.enqueue(MQTT_CHANNEL, `${this.prefix}/${suffix}`, body, { qos: 1, retain, now: this.clock.now() });
    void this.publisher?.drain();
  }
}
