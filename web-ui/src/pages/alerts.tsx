import { useEffect, useState } from 'preact/hooks';
import { api, call } from '../api/client';
import type { NotificationView, RuleView } from '../api/types';
import { reviewLink } from './review';
import { Card, Empty, ErrorBox, Loading, DataTable } from '../components/ui';
import { errorText, useAction, useAsync, useCameras } from '../data';
import { useI18n, type T } from '../i18n/i18n';
import { known } from '../i18n/known';
import { useLive } from '../live/live-socket';
import { useSession } from '../session';
import { bodyOf, draftOf, EMPTY, RuleForm, summary, type Draft } from './alert-rule-form';
import { Telegram } from './telegram-card';

/** The alert rules: a list with on/off, edit and delete, and the form for a new one (operators). */
function Rules() {
  const { t } = useI18n();
  const { canOperate } = useSession();
  const list = useAsync(() => call<{ rules: RuleView[] }>(api.GET('/api/v1/alert-rules')), []);
  const cams = useCameras();
  const [editing, setEditing] = useState<{ id?: string; draft: Draft }>();
  const { error, act } = useAction(list.reload);
  const rules = list.data?.rules;
  return (
    <Card
      title={t('alerts.rules')}
      testid="alert-rules"
      actions={
        canOperate &&
        !editing && (
          <button type="button" class="primary" onClick={() => setEditing({ draft: EMPTY })} data-testid="new-rule">
            {t('alerts.newRule')}
          </button>
        )
      }
    >
      <ErrorBox error={error ?? list.error} />
      {editing && (
        <RuleForm
          initial={editing.draft}
          id={editing.id}
          onCancel={() => setEditing(undefined)}
          onDone={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
      {!rules ? (
        <Loading />
      ) : rules.length === 0 ? (
        <Empty>{t('alerts.noRules')}</Empty>
      ) : (
        <DataTable testid="rule-list" head={[t('alerts.name'), t('alerts.type'), t('alerts.condition'), t('events.camera'), t('alerts.channels'), '']}>
          {rules.map((r) => (
            <tr key={r.id} data-rule={r.id} data-missing={r.target_missing ? 'true' : undefined} class={r.enabled ? '' : 'disabled'}>
              <td>
                {r.name}
                {r.target_missing && (
                  <span class="badge status-failed" title={t('alerts.targetMissing')} data-testid="rule-missing">
                    {t('alerts.targetMissingShort')}
                  </span>
                )}
              </td>
              <td>{t(`alerts.type_${r.type}`)}</td>
              <td class="small">
                {summary(r, t, r.target_name)}
                {r.quiet_hours && <span class="muted"> · {t('alerts.quietShort', { from: r.quiet_hours.from, to: r.quiet_hours.to })}</span>}
              </td>
              <td>{r.camera ? (cams.data?.find((c) => c.id === r.camera)?.name ?? r.camera) : t('alerts.anyCamera')}</td>
              <td>{r.channels.map((c) => (c === 'mqtt' ? 'MQTT' : 'Telegram')).join(', ')}</td>
              <td class="actions">
                {canOperate && (
                  <>
                    <label class="check small">
                      <input
                        type="checkbox"
                        checked={r.enabled}
                        aria-label={t('alerts.enabled')}
                        onChange={(e) => void act(() => call(api.PUT('/api/v1/alert-rules/{id}', { params: { path: { id: r.id } }, body: { ...bodyOf(draftOf(r)), enabled: e.currentTarget.checked } })))}
                      />{' '}
                      {t('alerts.on')}
                    </label>
                    <button type="button" onClick={() => setEditing({ id: r.id, draft: draftOf(r) })}>
                      {t('common.edit')}
                    </button>
                    <button type="button" class="danger" onClick={() => confirm(t('alerts.confirmDelete', { name: r.name })) && void act(() => call(api.DELETE('/api/v1/alert-rules/{id}', { params: { path: { id: r.id } } })))}>
                      {t('common.delete')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}

/** Each alert channel's delivery state (or one per recipient, e.g. Telegram chats), whatever the channels are, in the page's language. */
function deliveryText(d: NotificationView['deliveries'], t: T): string {
  const label = (channel: string) => (channel === 'mqtt' ? 'MQTT' : channel.charAt(0).toUpperCase() + channel.slice(1));
  // 'quiet hours' → delivery.quiet_hours, 'off (no broker)' → delivery.off_no_broker; an unknown state as the daemon wrote it.
  const state = (s: string) => (s.startsWith('failed') ? t('delivery.failed', { why: s.replace(/^failed:?\s*/, '') }) : known(t, 'delivery.', s.replace(/\W+/g, '_').replace(/_$/, ''), s));
  return Object.entries(d)
    .filter(([, s]) => s)
    .map(([channel, s]) => `${label(channel)}: ${typeof s === 'string' ? state(s) : Object.entries(s).map(([to, x]) => `${to} ${state(x)}`).join(', ')}`)
    .join(' · ');
}

function Notifications() {
  const { t, fmtTime } = useI18n();
  const cams = useCameras();
  const [items, setItems] = useState<NotificationView[]>();
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const load = async (cursor?: number) => {
    try {
      const page = await call<{ notifications: NotificationView[]; next: number | null }>(api.GET('/api/v1/notifications', { params: { query: { limit: 25, cursor } } }));
      setItems((prev) => (cursor ? [...(prev ?? []), ...page.notifications] : page.notifications));
      setNext(page.next);
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => void load(), []);
  useLive<NotificationView>(['alert.*'], undefined, (m) => setItems((prev) => (prev?.some((n) => n.id === m.data.id) ? prev : [m.data, ...(prev ?? [])])));
  return (
    <Card title={t('alerts.sentTitle')} testid="notifications">
      <ErrorBox error={error} />
      {!items ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty>{t('alerts.noneSent')}</Empty>
      ) : (
        <ul class="notifications">
          {items.map((n) => (
            <li key={n.id}>
              <div class="row">
                <strong>{n.rule_name}</strong>
                {n.camera && (
                  <a class="button play" href={reviewLink(n.camera, 'notification', n.id, Date.parse(n.time))} title={t('review.play')} data-testid="alert-play">
                    ▶
                  </a>
                )}
                <span class="muted small">
                  {fmtTime(n.time)}
                  {n.camera && ` · ${cams.data?.find((c) => c.id === n.camera)?.name ?? n.camera}`}
                </span>
              </div>
              <div>{n.message}</div>
              <div class="muted small">{deliveryText(n.deliveries, t)}</div>
            </li>
          ))}
        </ul>
      )}
      {next !== null && (
        <div class="pager">
          <button type="button" onClick={() => void load(next)}>
            {t('events.more')}
          </button>
        </div>
      )}
    </Card>
  );
}

/** Alert rules, where they are sent (Telegram), and what was sent. */
export function AlertsPage() {
  const { t } = useI18n();
  const { canOperate } = useSession();
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('nav.alerts')}</h1>
      </div>
      <Rules />
      <div class="grid-2">
        {canOperate && <Telegram />}
        <Notifications />
      </div>
    </div>
  );
}
