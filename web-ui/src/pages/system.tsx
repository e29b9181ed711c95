import { useState } from 'preact/hooks';
import { api, call } from '../api/client';
import type { ModelInfo, Settings, SystemInfo } from '../api/types';
import { Card, ErrorBox, Field, fmtDuration, Loading, StatusBadge, valueOf, DataTable } from '../components/ui';
import { errorText, useAsync, useCameras } from '../data';
import { LANGS, useI18n, type Lang } from '../i18n/i18n';
import { known } from '../i18n/known';
import { useLive } from '../live/live-socket';
import { useSession } from '../session';
import { Diagnostic } from '../components/diagnostic';

function Meter(props: { used: number; total: number; unit: string }) {
  const { fmtNum } = useI18n();
  const pct = props.total > 0 ? (props.used / props.total) * 100 : 0;
  return (
    <div class="meter">
      <div class="meter-bar">
        <span style={{ width: `${pct}%` }} class={pct > 90 ? 'hot' : pct > 75 ? 'warm' : ''} />
      </div>
      <span class="small">
        {fmtNum(props.used)} / {fmtNum(props.total)} {props.unit} ({fmtNum(pct)}%)
      </span>
    </div>
  );
}

function SettingsForm(props: { settings: Settings; onSaved(s: Settings): void }) {
  const { t } = useI18n();
  const [s, setS] = useState(props.settings);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const next = await call<Settings>(api.PUT('/api/v1/settings', { body: s }));
      props.onSaved(next);
      setNotice(t('common.saved'));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <Card title={t('sys.settings')} testid="settings">
      <form class="form-grid" onSubmit={save}>
        <Field label={t('sys.siteName')}>
          <input value={s.site_name} maxLength={100} onInput={(e) => setS({ ...s, site_name: valueOf(e) })} />
        </Field>
        <Field label={t('sys.defaultLanguage')} hint={t('sys.defaultLanguageHint')}>
          <select value={s.language} onChange={(e) => setS({ ...s, language: valueOf(e) as Lang })}>
            {Object.entries(LANGS).map(([k, v]) => (
              <option value={k} key={k}>
                {v}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('sys.timezone')} hint={t('sys.timezoneHint')}>
          <input value={s.timezone} placeholder="Europe/Berlin" onInput={(e) => setS({ ...s, timezone: valueOf(e) })} />
        </Field>
        <ErrorBox error={error} />
        {notice && <p class="notice">{notice}</p>}
        <div>
          <button class="primary" type="submit">
            {t('common.save')}
          </button>
        </div>
      </form>
    </Card>
  );
}

/** What the box is and how it is doing: version, uptime, load, memory, disk, cameras, outbox, model. */
export function SystemPage(props: { settings: Settings | undefined; onSettings(s: Settings): void }) {
  const { t, fmtNum, tc } = useI18n();
  const { isAdmin } = useSession();
  const sys = useAsync(() => call<SystemInfo>(api.GET('/api/v1/system')), [], 10_000);
  const [live, setLive] = useState<SystemInfo>();
  useLive<SystemInfo>(['system.stats'], undefined, (m) => setLive(m.data));
  const models = useAsync(() => call<{ models: ModelInfo[] }>(api.GET('/api/v1/models')), []);
  const cams = useCameras();
  const s = live ?? sys.data;
  if (!s) return sys.error ? <ErrorBox error={sys.error} /> : <Loading />;
  const byId = new Map((cams.data ?? []).map((c) => [c.id, c]));
  const m = models.data?.models[0];
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('nav.system')}</h1>
      </div>
      <div class="kpis">
        <div class="kpi">
          <div class="kpi-value" data-testid="version">
            {s.version}
          </div>
          <div class="kpi-label">{t('sys.version')}</div>
        </div>
        <div class="kpi">
          <div class="kpi-value" data-testid="uptime">
            {fmtDuration(s.uptime_seconds, t)}
          </div>
          <div class="kpi-label">{t('sys.uptime')}</div>
        </div>
        <div class="kpi">
          <div class="kpi-value">{s.cpu.load.map((l) => fmtNum(l, 2)).join(' · ')}</div>
          <div class="kpi-label">{t('sys.load', { n: s.cpu.cores })}</div>
        </div>
        <div class="kpi">
          <div class="kpi-value">{t('unit.mb', { n: fmtNum(s.memory.rss_mb) })}</div>
          <div class="kpi-label">{t('sys.rss')}</div>
        </div>
      </div>
      <div class="grid-2">
        <Card title={t('sys.resources')}>
          <dl class="kv">
            <div>
              <dt>{t('sys.memory')}</dt>
              <dd>
                <Meter used={s.memory.system_total_mb - s.memory.system_free_mb} total={s.memory.system_total_mb} unit={t('unit.mbShort')} />
              </dd>
            </div>
            <div>
              <dt>{t('sys.heap')}</dt>
              <dd>{t('unit.mb', { n: fmtNum(s.memory.heap_mb) })}</dd>
            </div>
            <div>
              <dt>{t('sys.disk')}</dt>
              <dd>{s.disk ? <Meter used={s.disk.total_mb - s.disk.free_mb} total={s.disk.total_mb} unit={t('unit.mbShort')} /> : '–'}</dd>
            </div>
          </dl>
        </Card>
        <Card title={t('sys.upstream')} testid="outbox">
          <dl class="kv">
            <div>
              <dt>MQTT</dt>
              <dd>
                <StatusBadge status={s.outbox.mqtt_configured === false ? 'not_configured' : s.outbox.mqtt_connected ? 'connected' : 'disconnected'} />
                {!s.outbox.mqtt_connected && s.outbox.mqtt_error && <Diagnostic class="error small" code={s.outbox.mqtt_error_code} params={s.outbox.mqtt_error_params} detail={s.outbox.mqtt_error} />}
              </dd>
            </div>
            <div>
              <dt>{t('sys.outboxDepth')}</dt>
              <dd data-testid="outbox-depth">{fmtNum(s.outbox.messages)}</dd>
            </div>
            <div>
              <dt>{t('sys.outboxOldest')}</dt>
              <dd>{s.outbox.oldestAgeSeconds ? fmtDuration(s.outbox.oldestAgeSeconds, t) : '–'}</dd>
            </div>
            <div>
              <dt>{t('sys.outboxDropped')}</dt>
              <dd>{fmtNum(s.outbox.dropped)}</dd>
            </div>
            {s.telegram !== undefined && (
              <div>
                <dt>Telegram</dt>
                <dd>
                  <StatusBadge status={!s.telegram || s.telegram.state === 'unconfigured' ? 'unconfigured' : s.telegram.state === 'ok' ? 'connected' : 'failed'} />
                  {s.telegram && s.telegram.state !== 'unconfigured' && <span class="muted small"> {t('sys.telegramQueue', { q: s.telegram.queued, f: s.telegram.failed_messages })}</span>}
                </dd>
              </div>
            )}
            {s.alerts && (
              <div>
                <dt>{t('nav.alerts')}</dt>
                <dd>{t('sys.alertCounts', { rules: s.alerts.rules, fired: s.alerts.fired, suppressed: s.alerts.suppressed_by_cooldown })}</dd>
              </div>
            )}
            {s.live_video && (
              <div>
                <dt>{t('sys.liveVideo')}</dt>
                <dd>{t('sys.liveViewers', { v: s.live_video.viewers, e: s.live_video.encoders })}</dd>
              </div>
            )}
          </dl>
        </Card>
      </div>
      <Card title={t('nav.cameras')}>
        <DataTable testid="system-cameras" head={[t('events.camera'), t('sess.status'), t('cam.fps'), t('cam.dropped'), t('cam.inference'), t('cam.tracks'), t('cam.decoded'), t('cam.reconnects'), t('cam.lastError')]}>
          {s.cameras.map((c) => {
            const v = byId.get(c.id);
            return (
              <tr key={c.id} data-camera={c.id}>
                <td>{v?.name ?? c.id}</td>
                <td>
                  <StatusBadge status={c.status} />
                </td>
                <td data-testid="fps">{fmtNum(c.fps, 1)}</td>
                <td>{fmtNum(c.frames_dropped)}</td>
                <td>{c.inference_ms === null ? '–' : t('unit.ms', { n: fmtNum(c.inference_ms, 1) })}</td>
                <td>{c.active_tracks}</td>
                <td>{v ? fmtNum(v.framesDecoded) : '–'}</td>
                <td>{v ? fmtNum(v.reconnects) : '–'}</td>
                <td class="muted small">{v?.lastError ? <Diagnostic code={v.lastErrorCode} params={v.lastErrorParams} detail={v.lastError} /> : ''}</td>
              </tr>
            );
          })}
        </DataTable>
      </Card>
      {m && (
        <Card title={t('sys.model')}>
          <dl class="kv">
            <div>
              <dt>{t('sys.modelName')}</dt>
              <dd>{m.name}</dd>
            </div>
            <div>
              <dt>{t('sys.input')}</dt>
              <dd>
                {m.input.width}×{m.input.height}
              </dd>
            </div>
            <div>
              <dt>{t('sys.provider')}</dt>
              <dd>
                {known(t, 'sys.provider.', m.provider)} · {t('sys.workers', { n: m.workers })}
              </dd>
            </div>
            <div>
              <dt>{t('cam.inference')}</dt>
              <dd>{m.inference_ms === null ? '–' : t('unit.ms', { n: fmtNum(m.inference_ms, 1) })}</dd>
            </div>
            <div>
              <dt>{t('sys.classes')}</dt>
              <dd class="small">{m.classes.length > 12 ? `${m.classes.slice(0, 12).map(tc).join(', ')} … (${m.classes.length})` : m.classes.map(tc).join(', ')}</dd>
            </div>
          </dl>
        </Card>
      )}
      {isAdmin && props.settings && <SettingsForm settings={props.settings} onSaved={props.onSettings} />}
      <p class="muted small">
        <a href="/api/docs">{t('sys.apiDocs')}</a> · <a href="/metrics">/metrics</a>
      </p>
    </div>
  );
}
