import { useState } from 'preact/hooks';
import { api, call, href } from '../api/client';
import type { AuditSummary, AuditView, SessionView } from '../api/types';
import { Card, DataTable, Empty, ErrorBox, Field, Loading, ShapeOptions, valueOf } from '../components/ui';
import { useAction, useAsync } from '../data';
import { useI18n } from '../i18n/i18n';
import { useFormat } from '../format';
import { link, navigate } from '../router';
import { useSession } from '../session';
import { AuditResult, pct } from './audit-result';
import { basename } from './sessions';


/** Pick what to audit: a completed session of a video and one of its lines (cameras have no recordings yet). */
function NewAudit(props: { sessions: SessionView[] | undefined }) {
  const { t } = useI18n();
  const { fmtTime } = useFormat();
  const [kind, setKind] = useState<'session' | 'camera'>('session');
  const done = (props.sessions ?? []).filter((s) => s.kind === 'file' && s.status === 'completed' && s.shapes.lines.length > 0);
  const [session, setSession] = useState('');
  const [line, setLine] = useState('');
  const chosen = done.find((s) => s.id === session) ?? done[0];
  const lines = chosen?.shapes.lines ?? [];
  const lineId = lines.some((l) => l.id === line) ? line : (lines[0]?.id ?? '');
  return (
    <Card title={t('audit.new')} testid="new-audit">
      <div class="form-grid">
        <div class="segmented" role="group">
          <button type="button" class={kind === 'session' ? 'active' : ''} aria-pressed={kind === 'session'} onClick={() => setKind('session')}>
            {t('audit.fromSession')}
          </button>
          <button type="button" class={kind === 'camera' ? 'active' : ''} aria-pressed={kind === 'camera'} onClick={() => setKind('camera')} data-testid="audit-kind-camera">
            {t('audit.fromCamera')}
          </button>
        </div>
        {kind === 'camera' ? (
          <p class="muted" data-testid="audit-no-recordings">
            {t('audit.noRecordings')}
          </p>
        ) : done.length === 0 ? (
          <Empty>{t('audit.noSessions')}</Empty>
        ) : (
          <>
            <Field label={t('audit.session')}>
              <select value={chosen?.id ?? ''} onChange={(e) => setSession(valueOf(e))} data-testid="audit-session">
                {done.map((s) => (
                  <option value={s.id} key={s.id}>
                    {basename(s.source)} · {fmtTime(s.created_at)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('zones.line')}>
              <select value={lineId} onChange={(e) => setLine(valueOf(e))} data-testid="audit-line-select">
                <ShapeOptions shapes={lines} />
              </select>
            </Field>
            <div>
              <button type="button" class="primary" disabled={!chosen || !lineId} onClick={() => chosen && navigate(`${link('audits', 'new')}?session=${chosen.id}&line=${encodeURIComponent(lineId)}`)} data-testid="audit-open">
                {t('audit.open')}
              </button>
            </div>
          </>
        )}
      </div>
    </Card>
  );
}

/** Stored audits, newest first, with their accuracy, CSV and JSON exports, and (operators) delete. */
export function AuditsPage() {
  const { t, fmtNum } = useI18n();
  const { fmtTime } = useFormat();
  const { canOperate } = useSession();
  const list = useAsync(() => call<{ audits: AuditSummary[] }>(api.GET('/api/v1/audits', { params: { query: {} } })), []);
  const sessions = useAsync(() => call<{ sessions: SessionView[] }>(api.GET('/api/v1/sessions')), []);
  const { error, act } = useAction(list.reload);
  const audits = list.data?.audits;
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('nav.audits')}</h1>
        <a class="button" href={href('/api/v1/audits', { query: { format: 'csv', limit: 500 } })} download="audits.csv" data-testid="audits-csv">
          {t('report.csv')}
        </a>
      </div>
      <p class="muted">{t('audit.intro')}</p>
      {canOperate && <NewAudit sessions={sessions.data?.sessions} />}
      <Card title={t('audit.list')}>
        <ErrorBox error={error ?? list.error} />
        {!audits ? (
          <Loading />
        ) : audits.length === 0 ? (
          <Empty>{t('audit.none')}</Empty>
        ) : (
          <DataTable testid="audit-list" head={[t('report.created'), t('audit.source'), t('zones.line'), t('audit.inTrueCounted'), t('audit.outTrueCounted'), t('audit.accuracy'), '']}>
            {audits.map((a) => (
              <tr key={a.id} data-audit={a.id}>
                <td>
                  <a href={link('audits', a.id)}>{fmtTime(a.created_at)}</a>
                </td>
                <td data-camera={a.camera}>{a.camera_name ?? a.camera}</td>
                <td data-line={a.line}>{a.line_name ?? a.line}</td>
                <td>
                  {a.results.in.true} / {a.results.in.counted}
                </td>
                <td>
                  {a.results.out.true} / {a.results.out.counted}
                </td>
                <td data-cell="accuracy">{pct(a.results.total.accuracy_pct, fmtNum)}</td>
                <td class="actions">
                  {canOperate && (
                    <button type="button" class="danger" onClick={() => confirm(t('audit.confirmDelete')) && void act(() => call(api.DELETE('/api/v1/audits/{id}', { params: { path: { id: a.id } } })))}>
                      {t('common.delete')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </div>
  );
}

/** One stored audit. */
export function AuditPage(props: { id: string }) {
  const { t, fmtNum } = useI18n();
  const { fmtTime } = useFormat();
  const a = useAsync(() => call<AuditView>(api.GET('/api/v1/audits/{id}', { params: { path: { id: props.id } } })), [props.id]);
  if (!a.data) return a.error ? <ErrorBox error={a.error} /> : <Loading />;
  const d = a.data;
  const range = d.kind === 'session' ? `${fmtNum(d.from, 2)}–${fmtNum(d.to, 2)} ${t('audit.seconds')}` : `${fmtTime(d.from)} – ${fmtTime(d.to)}`;
  return (
    <div class="page" data-testid="audit-page" data-audit={d.id}>
      <div class="page-head">
        <a href={link('audits')} class="back">
          ← {t('nav.audits')}
        </a>
        <h1>
          {t('audit.title')} · {d.line_name ?? d.line}
        </h1>
      </div>
      <p class="muted">
        {d.camera_name ?? d.camera} · {range} · {t('audit.by', { who: d.created_by, at: fmtTime(d.created_at) })}
      </p>
      {d.note && <p data-testid="audit-note-text">{d.note}</p>}
      <AuditResult audit={d} />
    </div>
  );
}
