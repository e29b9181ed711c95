import { useState } from 'preact/hooks';
import { api, call } from '../api/client';
import type { AlertRule, RuleBody } from '../api/types';
import { ErrorBox, Field, valueOf, CameraSelect } from '../components/ui';
import { errorText, useCameras, useModel } from '../data';
import { className, useI18n, type T } from '../i18n/i18n';
import { shapeChoices, useShapes, type ShapeRef } from '../shapes';

export type RuleType = RuleBody['type'];
const TYPES: RuleType[] = ['occupancy', 'loitering', 'line_count', 'presence', 'camera_offline', 'queue_length', 'queue_wait', 'capacity', 'speeding'];

/** Every field any rule type has, as the form edits them (strings for inputs). */
export interface Draft {
  type: RuleType;
  name: string;
  enabled: boolean;
  camera: string;
  cooldown_seconds: string;
  quiet: boolean;
  quiet_from: string;
  quiet_to: string;
  telegram: boolean;
  mqtt: boolean;
  zone: string;
  line: string;
  class: string;
  above: string;
  for_seconds: string;
  over_seconds: string;
  direction: '' | 'in' | 'out';
  over: string;
  window_seconds: string;
  during_from: string;
  during_to: string;
  // Queues, capacity and speed (issue 18):
  area: string;
  above_seconds: string;
  above_percent: string;
  above_mps: string;
}

export const EMPTY: Draft = {
  type: 'occupancy',
  name: '',
  enabled: true,
  camera: '',
  cooldown_seconds: '300',
  quiet: false,
  quiet_from: '22:00',
  quiet_to: '07:00',
  telegram: true,
  mqtt: true,
  zone: '',
  line: '',
  class: '',
  above: '5',
  for_seconds: '0',
  over_seconds: '60',
  direction: '',
  over: '10',
  window_seconds: '600',
  during_from: '22:00',
  during_to: '06:00',
  area: '',
  above_seconds: '300',
  above_percent: '90',
  above_mps: '5',
};

export function draftOf(r: AlertRule): Draft {
  const x = r as AlertRule & Record<string, unknown>;
  const s = (v: unknown, d: string) => (v === undefined || v === null ? d : String(v));
  const during = x.during as { from: string; to: string } | undefined;
  return {
    ...EMPTY,
    type: r.type,
    name: r.name,
    enabled: r.enabled,
    camera: r.camera ?? '',
    cooldown_seconds: String(r.cooldown_seconds),
    quiet: !!r.quiet_hours,
    quiet_from: r.quiet_hours?.from ?? EMPTY.quiet_from,
    quiet_to: r.quiet_hours?.to ?? EMPTY.quiet_to,
    telegram: r.channels.includes('telegram'),
    mqtt: r.channels.includes('mqtt'),
    zone: s(x.zone, ''),
    line: s(x.line, ''),
    class: s(x.class, ''),
    above: s(x.above, EMPTY.above),
    for_seconds: s(x.for_seconds, EMPTY.for_seconds),
    over_seconds: s(x.over_seconds, EMPTY.over_seconds),
    direction: (x.direction as Draft['direction'] | undefined) ?? '',
    over: s(x.over, EMPTY.over),
    window_seconds: s(x.window_seconds, EMPTY.window_seconds),
    during_from: during?.from ?? EMPTY.during_from,
    during_to: during?.to ?? EMPTY.during_to,
    area: s(x.area, ''),
    above_seconds: s(x.above_seconds, EMPTY.above_seconds),
    above_percent: s(x.above_percent, EMPTY.above_percent),
    above_mps: s(x.above_mps, EMPTY.above_mps),
  };
}

/** The request body for a draft: only the fields of its type. */
export function bodyOf(d: Draft): RuleBody {
  const channels = [...(d.telegram ? ['telegram' as const] : []), ...(d.mqtt ? ['mqtt' as const] : [])];
  const common = {
    name: d.name.trim(),
    enabled: d.enabled,
    ...(d.camera ? { camera: d.camera } : {}),
    cooldown_seconds: Number(d.cooldown_seconds),
    ...(d.quiet ? { quiet_hours: { from: d.quiet_from, to: d.quiet_to } } : {}),
    channels,
  };
  const cls = d.class ? { class: d.class } : {};
  switch (d.type) {
    case 'occupancy':
      return { ...common, type: 'occupancy', zone: d.zone.trim(), ...cls, above: Number(d.above), for_seconds: Number(d.for_seconds) };
    case 'loitering':
      return { ...common, type: 'loitering', zone: d.zone.trim(), ...cls, over_seconds: Number(d.over_seconds) };
    case 'line_count':
      return { ...common, type: 'line_count', line: d.line.trim(), ...cls, ...(d.direction ? { direction: d.direction } : {}), over: Number(d.over), window_seconds: Number(d.window_seconds) };
    case 'presence':
      return { ...common, type: 'presence', zone: d.zone.trim(), class: d.class || 'person', during: { from: d.during_from, to: d.during_to } };
    case 'camera_offline':
      return { ...common, type: 'camera_offline', over_seconds: Number(d.over_seconds) };
    case 'queue_length':
      return { ...common, type: 'queue_length', zone: d.zone.trim(), above: Number(d.above), for_seconds: Number(d.for_seconds) };
    case 'queue_wait':
      return { ...common, type: 'queue_wait', zone: d.zone.trim(), above_seconds: Number(d.above_seconds), for_seconds: Number(d.for_seconds) };
    case 'capacity':
      return { ...common, type: 'capacity', ...(d.area.trim() ? { area: d.area.trim() } : { zone: d.zone.trim() }), above_percent: Number(d.above_percent), for_seconds: Number(d.for_seconds) };
    case 'speeding':
      return { ...common, type: 'speeding', ...(d.zone.trim() ? { zone: d.zone.trim() } : {}), ...cls, above_mps: Number(d.above_mps) };
  }
}

/** "zone entrance: more than 5 person for 30 s" — a rule in words (the zone or line by its name when given). */
export function summary(r: AlertRule, t: T, targetName?: string | null): string {
  const x = { ...r, ...(targetName ? ('zone' in r ? { zone: targetName } : { line: targetName }) : {}) } as AlertRule & Record<string, unknown>;
  const cls = typeof x.class === 'string' ? className(t, x.class) : t('alerts.objects');
  switch (r.type) {
    case 'occupancy':
      return t('alerts.sumOccupancy', { zone: String(x.zone), n: String(x.above), cls, s: String(x.for_seconds ?? 0) });
    case 'loitering':
      return t('alerts.sumLoitering', { zone: String(x.zone), cls, s: String(x.over_seconds) });
    case 'line_count':
      return t('alerts.sumLine', { line: String(x.line), n: String(x.over), cls, s: String(x.window_seconds) });
    case 'presence': {
      const d = x.during as { from: string; to: string };
      return t('alerts.sumPresence', { zone: String(x.zone), cls, from: d.from, to: d.to });
    }
    case 'camera_offline':
      return t('alerts.sumOffline', { s: String(x.over_seconds) });
    case 'queue_length':
      return t('alerts.sumQueueLength', { zone: String(x.zone), n: String(x.above), s: String(x.for_seconds ?? 0) });
    case 'queue_wait':
      return t('alerts.sumQueueWait', { zone: String(x.zone), n: String(x.above_seconds), s: String(x.for_seconds ?? 0) });
    case 'capacity':
      return t('alerts.sumCapacity', { where: x.area ? `${t('occ.area')} ${String(x.area)}` : `${t('zones.zone')} ${String(x.zone)}`, n: String(x.above_percent), s: String(x.for_seconds ?? 0) });
    case 'speeding':
      return t('alerts.sumSpeeding', { where: x.zone ? `${t('zones.zone')} ${String(x.zone)}` : t('common.all'), cls, n: String(x.above_mps) });
  }
}

/** Creates (POST) or replaces (PUT) an alert rule; the fields follow the rule's type. */
export function RuleForm(props: { initial: Draft; id?: string; onDone(): void; onCancel(): void }) {
  const { t, tc } = useI18n();
  const cams = useCameras();
  const model = useModel();
  const shapes = useShapes();
  const [d, setD] = useState(props.initial);
  const [error, setError] = useState<string>();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const body = bodyOf(d);
      if (props.id) await call(api.PUT('/api/v1/alert-rules/{id}', { params: { path: { id: props.id } }, body }));
      else await call(api.POST('/api/v1/alert-rules', { body }));
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const num = (k: keyof Draft, label: string, min = 0, step?: string) => (
    <Field label={label}>
      <input type="number" min={min} step={step} required value={d[k] as string} onInput={(e) => set(k, valueOf(e) as never)} />
    </Field>
  );
  const usesZone = d.type === 'occupancy' || d.type === 'loitering' || d.type === 'presence' || d.type === 'queue_length' || d.type === 'queue_wait' || (d.type === 'capacity' && !d.area);
  /** A zone or line chosen from the ones that exist (by name; the rule keeps the id); a stored one that was removed stays listed, marked. */
  const pick = (kind: 'zone' | 'line', required = true, label?: string) => {
    const choices: ShapeRef[] = shapeChoices(shapes, d.camera, kind);
    const cur = d[kind];
    const gone = cur !== '' && shapes !== undefined && !choices.some((c) => c.id === cur);
    return (
      <Field label={label ?? t(kind === 'zone' ? 'zones.zone' : 'zones.line')}>
        <select required={required} value={cur} onChange={(e) => set(kind, valueOf(e))} data-testid={`rule-${kind}`}>
          <option value="" disabled={required}>
            {!required ? t('common.any') : choices.length ? t('alerts.choose') : t(kind === 'zone' ? 'alerts.noZones' : 'alerts.noLines')}
          </option>
          {gone && <option value={cur}>{t('alerts.removedTarget', { id: cur })}</option>}
          {choices.map((c) => (
            <option value={c.id} key={c.id}>
              {c.name === c.id ? c.id : `${c.name} (${c.id})`}
            </option>
          ))}
        </select>
      </Field>
    );
  };
  return (
    <form class="form-grid rule-form" onSubmit={save} data-testid="rule-form">
      <div class="grid-3">
        <Field label={t('alerts.type')}>
          <select value={d.type} onChange={(e) => set('type', valueOf(e) as RuleType)} data-testid="rule-type">
            {TYPES.map((x) => (
              <option value={x} key={x}>
                {t(`alerts.type_${x}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('alerts.name')}>
          <input required maxLength={100} value={d.name} onInput={(e) => set('name', valueOf(e))} data-testid="rule-name" />
        </Field>
        <Field label={t('events.camera')}>
          <CameraSelect value={d.camera} cameras={cams.data} emptyLabel={t('alerts.anyCamera')} onChange={(id) => set('camera', id)} />
        </Field>
        {usesZone && pick('zone')}
        {d.type === 'capacity' && (
          <Field label={t('alerts.area')}>
            <input value={d.area} onInput={(e) => set('area', valueOf(e))} />
          </Field>
        )}
        {d.type === 'speeding' && pick('zone', false, t('alerts.zoneOrAll'))}
        {d.type === 'line_count' && pick('line')}
        {d.type !== 'camera_offline' && d.type !== 'queue_length' && d.type !== 'queue_wait' && d.type !== 'capacity' && (
          <Field label={t('heat.class')}>
            <select value={d.type === 'presence' ? d.class || 'person' : d.class} onChange={(e) => set('class', valueOf(e))}>
              {d.type !== 'presence' && <option value="">{t('common.allClasses')}</option>}
              {model?.classes.map((c) => (
                <option value={c} key={c}>
                  {tc(c)}
                </option>
              ))}
            </select>
          </Field>
        )}
        {d.type === 'occupancy' && (
          <>
            {num('above', t('alerts.above'))}
            {num('for_seconds', t('alerts.forSeconds'))}
          </>
        )}
        {(d.type === 'loitering' || d.type === 'camera_offline') && num('over_seconds', t('alerts.overSeconds'), 1)}
        {d.type === 'queue_length' && num('above', t('alerts.above'))}
        {d.type === 'queue_wait' && num('above_seconds', t('alerts.aboveSeconds'), 1)}
        {d.type === 'capacity' && num('above_percent', t('alerts.abovePercent'))}
        {(d.type === 'queue_length' || d.type === 'queue_wait' || d.type === 'capacity') && num('for_seconds', t('alerts.forSeconds'))}
        {d.type === 'speeding' && num('above_mps', t('alerts.aboveMps'), 0.1, 'any')}
        {d.type === 'line_count' && (
          <>
            <Field label={t('alerts.direction')}>
              <select value={d.direction} onChange={(e) => set('direction', valueOf(e) as Draft['direction'])}>
                <option value="">{t('alerts.bothDirections')}</option>
                <option value="in">{t('report.in')}</option>
                <option value="out">{t('report.out')}</option>
              </select>
            </Field>
            {num('over', t('alerts.over'))}
            {num('window_seconds', t('alerts.window'), 1)}
          </>
        )}
        {d.type === 'presence' && (
          <Field label={t('alerts.during')}>
            <span class="row">
              <input type="time" required value={d.during_from} onInput={(e) => set('during_from', valueOf(e))} />
              <input type="time" required value={d.during_to} onInput={(e) => set('during_to', valueOf(e))} />
            </span>
          </Field>
        )}
        {num('cooldown_seconds', t('alerts.cooldown'))}
      </div>
      <div class="row wrap">
        <label class="check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} /> {t('alerts.enabled')}
        </label>
        <label class="check">
          <input type="checkbox" checked={d.telegram} onChange={(e) => set('telegram', e.currentTarget.checked)} /> Telegram
        </label>
        <label class="check">
          <input type="checkbox" checked={d.mqtt} onChange={(e) => set('mqtt', e.currentTarget.checked)} /> MQTT
        </label>
        <label class="check">
          <input type="checkbox" checked={d.quiet} onChange={(e) => set('quiet', e.currentTarget.checked)} /> {t('alerts.quietHours')}
        </label>
        {d.quiet && (
          <span class="row">
            <input type="time" aria-label={t('range.from')} value={d.quiet_from} onInput={(e) => set('quiet_from', valueOf(e))} />
            <input type="time" aria-label={t('range.to')} value={d.quiet_to} onInput={(e) => set('quiet_to', valueOf(e))} />
          </span>
        )}
      </div>
      <ErrorBox error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={!d.telegram && !d.mqtt} data-testid="save-rule">
          {t('common.save')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
