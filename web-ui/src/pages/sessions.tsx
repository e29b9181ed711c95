import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, call, csrfToken, href, refreshSession } from '../api/client';
import type { SessionView } from '../api/types';
import { Card, Empty, ErrorBox, Field, Loading, ProgressBar, StatusBadge, valueOf, DataTable, CameraSelect } from '../components/ui';
import { errorText, useAction, useAsync, useCameras } from '../data';
import { useI18n } from '../i18n/i18n';
import { useFormat } from '../format';
import { useLive } from '../live/live-socket';
import { link } from '../router';
import { useSession } from '../session';
import { Diagnostic } from '../components/diagnostic';

/**
 * Streams a file to POST /sessions/upload with progress (fetch cannot report upload progress); one
 * refresh and retry on a 401, like the client.
 */
function upload(file: File, zonesFrom: string, onProgress: (pct: number) => void): Promise<SessionView> {
  const url = href('/api/v1/sessions/upload', { query: { name: file.name.replace(/[^A-Za-z0-9._ -]/g, '_').slice(-200), zones_from: zonesFrom || undefined } });
  const send = () =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.setRequestHeader('x-csrf-token', csrfToken() ?? '');
      xhr.responseType = 'json';
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress((e.loaded / e.total) * 100);
      xhr.onload = () => resolve({ status: xhr.status, body: xhr.response as unknown });
      xhr.onerror = () => reject(new TypeError('upload failed: connection lost'));
      xhr.send(file);
    });
  return (async () => {
    let r = await send();
    if (r.status === 401 && (await refreshSession())) r = await send();
    if (r.status !== 201) {
      const e = (r.body as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiFailure(r.status, e?.code ?? `HTTP_${r.status}`, e?.message ?? `upload failed: HTTP ${r.status}`);
    }
    return r.body as SessionView;
  })();
}

function NewSession(props: { onCreated(): void }) {
  const { t } = useI18n();
  const cams = useCameras();
  const [source, setSource] = useState<'path' | 'upload'>('path');
  const [path, setPath] = useState('');
  const [file, setFile] = useState<File>();
  const [zonesFrom, setZonesFrom] = useState('');
  const [startNow, setStartNow] = useState(true);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<string>();

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      let s: SessionView;
      if (source === 'path') {
        s = await call<SessionView>(api.POST('/api/v1/sessions', { body: { file: path.trim(), ...(zonesFrom ? { zones_from: zonesFrom } : {}) } }));
      } else {
        if (!file) throw new Error(t('sess.pickFile'));
        setProgress(0);
        s = await upload(file, zonesFrom, setProgress);
      }
      if (startNow) await call(api.POST('/api/v1/sessions/{id}/start', { params: { path: { id: s.id } } }));
      setPath('');
      setFile(undefined);
      props.onCreated();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  };

  return (
    <Card title={t('sess.new')} testid="new-session">
      <form class="form-grid" onSubmit={submit}>
        <div class="segmented" role="group">
          <button type="button" class={source === 'path' ? 'active' : ''} aria-pressed={source === 'path'} onClick={() => setSource('path')}>
            {t('sess.fromPath')}
          </button>
          <button type="button" class={source === 'upload' ? 'active' : ''} aria-pressed={source === 'upload'} onClick={() => setSource('upload')}>
            {t('sess.fromUpload')}
          </button>
        </div>
        {source === 'path' ? (
          <Field label={t('sess.path')} hint={t('sess.pathHint')}>
            <input name="file" required placeholder="/srv/video/clip.mp4" value={path} onInput={(e) => setPath(valueOf(e))} data-testid="session-path" />
          </Field>
        ) : (
          <Field label={t('sess.file')}>
            <input type="file" accept="video/*,.mp4,.mkv,.avi,.ts" onChange={(e) => setFile(e.currentTarget.files?.[0])} data-testid="session-file" />
          </Field>
        )}
        <Field label={t('sess.zonesFrom')} hint={t('sess.zonesFromHint')}>
          <CameraSelect value={zonesFrom} cameras={cams.data} emptyLabel={t('sess.noZones')} onChange={setZonesFrom} testid="session-zones-from" />
        </Field>
        <label class="check">
          <input type="checkbox" checked={startNow} onChange={(e) => setStartNow(e.currentTarget.checked)} /> {t('sess.startNow')}
        </label>
        {progress !== undefined && <ProgressBar value={progress} label={t('sess.uploading')} />}
        <ErrorBox error={error} />
        <div>
          <button class="primary" type="submit" disabled={busy} data-testid="create-session">
            {busy ? t('common.working') : t('sess.create')}
          </button>
        </div>
      </form>
    </Card>
  );
}

/** The file's name; an upload's is stored behind a UUID (`uploads/<uuid>-clip.mp4`). */
export const basename = (p: string) => (p.split('/').pop() ?? p).replace(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-/, '');

/** Analysis sessions: create from a path or an upload, start, watch progress, open the report. */
export function SessionsPage() {
  const { t } = useI18n();
  const { fmtTime } = useFormat();
  const { canOperate } = useSession();
  const [progress, setProgress] = useState<Record<string, number>>({});
  const list = useAsync(() => call<{ sessions: SessionView[] }>(api.GET('/api/v1/sessions')), []);
  const { error, act } = useAction(list.reload);
  const sessions = list.data?.sessions;
  const busy = sessions?.some((s) => s.status === 'running' || s.status === 'created');
  // Poll while something runs (the live topic carries progress; a poll catches what it missed).
  useEffect(() => {
    if (!busy) return;
    const tm = setInterval(list.reload, 2000);
    return () => clearInterval(tm);
  }, [busy]);
  useLive<{ session: string; progress?: number }>(['session.progress'], undefined, (m) => {
    if (m.topic === 'analysis.progress' && m.data.progress !== undefined) setProgress((p) => ({ ...p, [m.data.session]: m.data.progress! }));
    else list.reload();
  });
  const params = (id: string) => ({ params: { path: { id } } });
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('nav.sessions')}</h1>
      </div>
      {canOperate && <NewSession onCreated={list.reload} />}
      <Card title={t('sess.list')}>
        <ErrorBox error={error ?? list.error} />
        {!sessions ? (
          <Loading />
        ) : sessions.length === 0 ? (
          <Empty>{t('sess.none')}</Empty>
        ) : (
          <DataTable testid="session-list" head={[t('sess.source'), t('sess.status'), { label: t('sess.progress'), class: 'progress-col' }, t('report.created'), '']}>
            {sessions.map((s) => {
              const pct = s.status === 'completed' ? 100 : s.status === 'running' ? Math.max(s.progress, progress[s.id] ?? 0) : s.progress;
              return (
                <tr key={s.id} data-session={s.id} data-status={s.status}>
                  <td title={s.source}>
                    {s.kind === 'file' ? (
                      <a href={link('sessions', s.id)} data-testid="open-session">
                        {basename(s.source)}
                      </a>
                    ) : s.kind === 'stream' ? (
                      s.source
                    ) : (
                      `${s.camera_id} ${s.from ?? ''}–${s.to ?? ''}`
                    )}
                  </td>
                  <td>
                    <StatusBadge status={s.status} />
                    {s.error && <Diagnostic class="error small" code={s.error_code} params={s.error_params} detail={s.error} />}
                  </td>
                  <td class="progress-col">
                    <ProgressBar value={pct} label={t('sess.progress')} />
                  </td>
                  <td>{fmtTime(s.created_at)}</td>
                  <td class="actions">
                    {s.report_id && (
                      <a href={link('reports', s.report_id)} class="button" data-testid="open-report">
                        {t('sess.openReport')}
                      </a>
                    )}
                    {canOperate && s.status === 'created' && (
                      <button type="button" onClick={() => void act(() => call(api.POST('/api/v1/sessions/{id}/start', params(s.id))))}>
                        {t('sess.start')}
                      </button>
                    )}
                    {canOperate && s.status === 'running' && (
                      <button type="button" onClick={() => void act(() => call(api.POST('/api/v1/sessions/{id}/cancel', params(s.id))))}>
                        {t('common.cancel')}
                      </button>
                    )}
                    {canOperate && s.status !== 'running' && (
                      <button type="button" class="danger" onClick={() => confirm(t('sess.confirmDelete')) && void act(() => call(api.DELETE('/api/v1/sessions/{id}', params(s.id))))}>
                        {t('common.delete')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </Card>
    </div>
  );
}
