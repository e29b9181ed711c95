import type SQLite from 'better-sqlite3';
import { AlertService } from './alerts/alert-service.js';
import { alertChannels } from './alerts/channels/index.js';
import type { Clock } from './clock.js';
import type { CameraConfig, Config } from './config/schema.js';
import type { EventBus } from './events.js';
import type { Logger } from './logger.js';
import type { SettingsService } from './settings.js';
import { AlertStore } from './store/alert-store.js';
import { Outbox } from './store/outbox.js';
import type { KeyValue } from './store/key-value.js';
import { SyncService } from './sync/sync-service.js';
import { MQTT_CHANNEL } from './sync/mqtt-publisher.js';
import { TELEGRAM_CHANNEL, TelegramService } from './sync/telegram-service.js';
import type { CameraView } from './camera-runtime.js';

/** What the upstream services read from the running appliance. */
export interface UpstreamSources {
  cameras(): Array<{ id: string; config: CameraConfig; view(): CameraView }>;
  occupancy(camera: string): Record<string, Record<string, number>>;
  /** The camera's engines' live figures by engine name (for the queue, capacity and speeding rules). */
  analytics?(camera: string): Record<string, unknown>;
  snapshot(camera: string): Promise<{ jpeg: Buffer; timeMs: number } | undefined>;
  system(): Promise<Record<string, unknown>>;
  /** A report of the last hour, generated now (MQTT cmd/report). */
  reportNow(): Promise<Record<string, unknown>>;
  classNames: readonly string[];
  /** Alerts' clips (issue 17; absent without recordings): whether a camera records, and where a clip is. */
  clips?: {
    recorded(camera: string): boolean;
    file(kind: 'notification', id: number): Promise<string | 'later' | null>;
  };
}

/** An alert's clip is looked for this often while its post roll is being recorded, for at most CLIP_WAIT_MS. */
const CLIP_POLL_MS = 2000;
const CLIP_WAIT_MS = 10 * 60_000;

/**
 * Everything that leaves the box, over one durable outbox: MQTT (events, status, counts, reports,
 * alerts, Home Assistant discovery), Telegram, and the alert rules that feed both.
 */
export class Upstream {
  readonly sync: SyncService;
  readonly telegram: TelegramService;
  readonly alertStore: AlertStore;
  readonly alerts: AlertService;
  private readonly mqttConfigured: boolean;

  private readonly log: Logger;

  constructor(cfg: Readonly<Config>, raw: SQLite.Database, kv: KeyValue, settings: SettingsService, bus: EventBus, private readonly src: UpstreamSources, root: Logger, clock: Clock) {
    this.log = root.child({ module: 'upstream' });
    this.mqttConfigured = cfg.mqtt !== undefined;
    const outbox = new Outbox(raw);
    const alertStore = (this.alertStore = new AlertStore(raw));
    this.sync = new SyncService(
      cfg,
      outbox,
      bus,
      {
        cameras: () => src.cameras().map((c) => c.view()),
        occupancy: src.occupancy,
        system: src.system,
        snapshot: async (id) => (await src.snapshot(id))?.jpeg,
        reportNow: src.reportNow,
        ...(src.analytics ? { analytics: src.analytics } : {}),
        language: () => settings.get().language,
      },
      root.child({ module: 'sync' }),
      clock,
      (id) => alertStore.setDelivery(id, MQTT_CHANNEL, 'delivered'),
    );
    this.telegram = new TelegramService(cfg.telegram, kv, outbox, clock, root.child({ module: 'telegram' }), (id, chat, state) => alertStore.setDelivery(id, TELEGRAM_CHANNEL, state, chat), () => settings.get().language);
    const sync = this.sync;
    const clips = src.clips;
    if (clips) this.telegram.clips = (kind, id) => clips.file(kind, id);
    const alertClips = clips ? { recorded: (camera: string) => clips.recorded(camera), announce: (id: number, camera: string) => this.announceClip(id, camera) } : undefined;
    this.alerts = new AlertService({
      store: alertStore,
      bus,
      channels: alertChannels({ telegram: this.telegram, publishMqtt: cfg.mqtt ? (body) => sync.publishAlert(body) : undefined, ...(alertClips ? { clips: alertClips } : {}) }),
      cameras: () =>
        src.cameras().map((c) => {
          const v = c.view();
          return { id: v.id, name: v.name, status: v.status };
        }),
      cameraConfig: (id) => src.cameras().find((c) => c.id === id)?.config,
      cameraConfigs: () => src.cameras().map((c) => c.config),
      occupancy: src.occupancy,
      ...(src.analytics ? { analytics: src.analytics } : {}),
      snapshot: src.snapshot,
      settings: () => settings.get(),
      classNames: src.classNames,
      clock,
      log: root.child({ module: 'alerts' }),
    });
  }

  private stopped = false;
  private readonly clipTimers = new Set<NodeJS.Timeout>();

  /** Publishes an alert's clip over MQTT once it is recorded (asked again every 2 s while its post roll is recorded). */
  private announceClip(id: number, camera: string, since = Date.now()): void {
    if (this.stopped) return;
    void this.src.clips!.file('notification', id).then(
      (file) => {
        if (file === null || this.stopped) return;
        if (file !== 'later') return this.sync.publishClip(id, camera);
        if (Date.now() - since > CLIP_WAIT_MS) return;
        const t = setTimeout(() => {
          this.clipTimers.delete(t);
          this.announceClip(id, camera, since);
        }, CLIP_POLL_MS);
        t.unref();
        this.clipTimers.add(t);
      },
      (err: unknown) => this.log.error({ err, notification: id }, 'the alert\'s clip cannot be made; not announced'),
    );
  }

  start(): void {
    this.sync.start();
    this.telegram.start();
    this.alerts.start();
  }

  /** After the sources and analytics stopped: last alerts handled, then the outbox drained where it can be. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.clipTimers) clearTimeout(t);
    await this.alerts.stop();
    await this.telegram.stop();
    await this.sync.stop();
  }

  /** The outbox, Telegram and alert figures of GET /api/v1/system. */
  summary(): Record<string, unknown> {
    const { state, reason, reason_code, reason_params, queued, failed_messages, bot_username } = this.telegram.status();
    return {
      // mqtt_configured: whether an MQTT broker is set at all ("not configured" is not "disconnected").
      outbox: { ...this.sync.depth(), mqtt_connected: this.sync.connected, mqtt_configured: this.mqttConfigured, ...mqttError(this.sync.lastError) },
      telegram: { state, reason, reason_code, reason_params, queued, failed_messages, bot_username },
      alerts: { rules: this.alertStore.rules().length, fired: this.alerts.fired, suppressed_by_cooldown: this.alerts.suppressed },
    };
  }
}

/** Diagnostics (diag helper): why the broker is not reached, as GET /api/v1/system names it. */
function mqttError(e: SyncService['lastError']): { mqtt_error: string | null; mqtt_error_code: string | null; mqtt_error_params: Record<string, string | number> | null } {
  return { mqtt_error: e?.text ?? null, mqtt_error_code: e?.code ?? null, mqtt_error_params: e?.params ?? null };
}
