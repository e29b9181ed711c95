import type { Clock } from '../clock.js';
import type { CameraConfig } from '../config/schema.js';
import { annotateJpeg, type Overlay } from '../detect/image.js';
import { VantageError } from '../errors.js';
import type { ApplianceEvent, EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { Settings } from '../settings.js';
import type { AlertStore, Deliveries } from '../store/alert-store.js';
import type { TrackSnapshot } from '../track/types.js';
import { AlertEngine, type EngineCamera, type Firing } from './alert-engine.js';
import type { AlertChannel, OutgoingAlert } from './channels/index.js';
import { alertMessage } from './messages.js';
import { ruleTargetProblem, ruleTargetView, shapeName, type RuleTargetView } from './rule-targets.js';
import { ruleBodySchema, withinHours, type AlertRule, type RuleBody } from './rules.js';

export interface AlertServiceDeps {
  store: AlertStore;
  bus: EventBus;
  /** Where firings go (alerts/channels/); a rule picks some by name. */
  channels: readonly AlertChannel[];
  /** The running cameras, read once at start (camera.status events keep the list after). */
  cameras(): EngineCamera[];
  cameraConfig(id: string): CameraConfig | undefined;
  /** Every camera's config: rules are checked against their zones and lines. */
  cameraConfigs(): CameraConfig[];
  occupancy(camera: string): Record<string, Record<string, number>>;
  /** The camera's engines' live figures (queue, capacity and speeding rules); absent = those rules never fire. */
  analytics?(camera: string): Record<string, unknown>;
  snapshot(camera: string): Promise<{ jpeg: Buffer } | undefined>;
  settings(): Settings;
  classNames: readonly string[];
  clock: Clock;
  log: Logger;
}

/**
 * Alert rules at work: the engine watches events and a one-second tick; each firing is stored in the
 * notifications history, announced on the live `alert.*` topic, published over MQTT, and sent to
 * Telegram (outside the rule's quiet hours) with a snapshot annotated with the camera's current boxes
 * and the rule's zone or line. Firings are handled one at a time, so messages leave in order.
 */
export class AlertService {
  private readonly engine: AlertEngine;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly latest = new Map<string, readonly TrackSnapshot[]>();
  /** The running cameras as the engine sees them: read once at start, then kept by camera.status / camera.removed events. */
  private cameras: EngineCamera[] = [];
  private chain: Promise<void> = Promise.resolve();
  fired = 0;

  constructor(private readonly d: AlertServiceDeps) {
    this.engine = new AlertEngine({
      cameras: () => this.cameras,
      occupancy: d.occupancy,
      ...(d.analytics ? { analytics: d.analytics } : {}),
      now: () => d.clock.now(),
      timezone: () => d.settings().timezone,
    });
  }

  start(): void {
    this.cameras = this.d.cameras();
    this.reload();
    this.unsubscribe = this.d.bus.subscribe((e) => this.onEvent(e));
    this.timer = setInterval(() => this.handle(this.engine.tick()), 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.chain;
  }

  /** For tests and the API: evaluate time-based rules now. */
  tick(): Promise<void> {
    this.handle(this.engine.tick());
    return this.chain;
  }

  /** Resolves once every firing so far is stored and queued. */
  idle(): Promise<void> {
    return this.chain;
  }

  get suppressed(): number {
    return this.engine.suppressed;
  }

  /** The rules, each with its target's name and whether that target still exists. */
  rules(): Array<AlertRule & RuleTargetView> {
    const cams = this.d.cameraConfigs();
    return this.d.store.rules().map((r) => ({ ...r, ...ruleTargetView(r, cams) }));
  }

  createRule(body: RuleBody): AlertRule {
    this.checkTargets(body);
    const r = this.d.store.createRule(ruleBodySchema.parse(body), this.d.clock.now());
    this.reload();
    return r;
  }

  replaceRule(id: string, body: RuleBody): AlertRule {
    this.checkTargets(body);
    const r = this.d.store.replaceRule(id, ruleBodySchema.parse(body), this.d.clock.now());
    if (!r) throw new VantageError('ERR_NOT_FOUND', `no alert rule "${id}"`);
    this.reload();
    return r;
  }

  deleteRule(id: string): void {
    if (!this.d.store.deleteRule(id)) throw new VantageError('ERR_NOT_FOUND', `no alert rule "${id}"`);
    this.reload();
  }

  private reload(): void {
    this.engine.setRules(this.d.store.rules());
  }

  /** A rule must be able to fire: its camera, zone or line (by id) and class must exist. */
  private checkTargets(b: RuleBody): void {
    const problem = ruleTargetProblem(b, this.d.cameraConfigs(), this.d.classNames);
    if (problem) throw new VantageError('ERR_BAD_REQUEST', problem.message, { field: problem.field });
  }

  private onEvent(e: ApplianceEvent): void {
    if (e.type === 'camera.status' || e.type === 'camera.removed') {
      this.cameras = this.cameras.filter((c) => c.id !== e.camera);
      if (e.type === 'camera.status') this.cameras.push({ id: e.camera, name: e.view.name, status: e.view.status });
      return;
    }
    if (e.type === 'track.update') this.latest.set(e.camera, e.tracks);
    if (e.type === 'alert.fired') return;
    const firings = this.engine.onEvent(e);
    if (firings.length) this.handle(firings);
  }

  private handle(firings: Firing[]): void {
    for (const f of firings) {
      this.chain = this.chain.then(() => this.deliver(f)).catch((err: unknown) => this.d.log.error({ err, rule: f.rule.id }, 'alert delivery failed'));
    }
  }

  private async deliver(f: Firing): Promise<void> {
    const s = this.d.settings();
    const { rule, details } = f;
    // Messages name zones and lines by their display names; the MQTT body keeps the ids.
    const cams = this.d.cameraConfigs();
    const names = {
      ...(details.zone !== undefined ? { zone: shapeName(cams, details.camera, 'zone', details.zone) } : {}),
      ...(details.line !== undefined ? { line: shapeName(cams, details.camera, 'line', details.line) } : {}),
    };
    const message = alertMessage(rule, { ...details, ...names }, s.language, s.site_name);
    const quiet = rule.quiet_hours !== undefined && withinHours(f.at, rule.quiet_hours, s.timezone);
    const channels = this.d.channels.filter((c) => rule.channels.includes(c.name));
    const alert: OutgoingAlert = {
      id: 0,
      rule,
      details,
      message,
      body: {},
      quiet,
      photo: () => (rule.type === 'camera_offline' ? Promise.resolve(undefined) : this.annotated(f).catch(() => undefined)),
    };
    const deliveries: Deliveries = {};
    for (const c of channels) deliveries[c.name] = c.initialState(alert);
    const id = (alert.id = this.d.store.addNotification({ ts: f.at, ruleId: rule.id, ruleName: rule.name, type: rule.type, camera: details.camera, message, details, deliveries }));
    this.fired++;
    alert.body = { notification_id: id, time: new Date(f.at).toISOString(), rule: { id: rule.id, name: rule.name, type: rule.type }, message, ...details };
    for (const c of channels) await c.send(alert, (state, recipient) => this.d.store.setDelivery(id, c.name, state, recipient));
    this.d.bus.emit({ type: 'alert.fired', camera: details.camera, notification: this.d.store.notification(id)! });
    this.d.log.info({ rule: rule.name, camera: details.camera, quiet }, 'alert fired');
  }

  /** The camera's latest frame with its current boxes (the alert's track in red) and the rule's shape. */
  private async annotated(f: Firing): Promise<Buffer | undefined> {
    const snap = await this.d.snapshot(f.details.camera);
    if (!snap) return undefined;
    const cam = this.d.cameraConfig(f.details.camera);
    const overlay: Overlay = { boxes: [], shapes: [] };
    for (const t of this.latest.get(f.details.camera) ?? []) {
      if (t.state !== 'tracked') continue;
      const hot = t.id === f.details.trackId;
      overlay.boxes.push({ ...t.box, label: `${this.d.classNames[t.classId] ?? t.classId} #${t.id}`, color: hot ? '#ff3030' : '#ffd000' });
    }
    const r = f.rule;
    if ('zone' in r) for (const z of cam?.zones ?? []) if (z.id === r.zone) overlay.shapes.push({ points: z.points as Array<[number, number]>, closed: true, color: '#00e0ff' });
    if ('line' in r) for (const l of cam?.lines ?? []) if (l.id === r.line) overlay.shapes.push({ points: l.points as Array<[number, number]>, closed: false, color: '#00e0ff' });
    return annotateJpeg(snap.jpeg, overlay);
  }
}
