import { useEffect } from 'preact/hooks';
import { api, call } from '../api/client';
import type { SessionView } from '../api/types';
import { ErrorBox, Loading, ProgressBar, StatusBadge } from '../components/ui';
import { useAsync } from '../data';
import { useI18n } from '../i18n/i18n';
import { link } from '../router';
import { SessionVideo } from './session-video';
import { basename } from './sessions';
import { Diagnostic } from '../components/diagnostic';

/**
 * One analysis session (issue 19): the file's name, its status, and — once its analysis has begun —
 * its timeline and events in video time beside the player (SessionVideo); a link to its report.
 */
export function SessionPage(props: { id: string }) {
  const { t } = useI18n();
  const s = useAsync(() => call<SessionView>(api.GET('/api/v1/sessions/{id}', { params: { path: { id: props.id } } })), [props.id]);
  const running = s.data?.status === 'running' || s.data?.status === 'created';
  // While it runs, its status (and the timeline drawn from what it has analysed) follows.
  useEffect(() => {
    if (!running) return;
    const tm = setInterval(s.reload, 2000);
    return () => clearInterval(tm);
  }, [running]);
  const v = s.data;
  return (
    <div class="page">
      <p>
        <a href={link('sessions')}>← {t('sess.back')}</a>
      </p>
      <ErrorBox error={s.error} />
      {!v ? (
        <Loading />
      ) : (
        <>
          <div class="page-head">
            <h1 data-testid="session-title" title={v.source}>
              {v.kind === 'file' ? basename(v.source) : v.kind === 'stream' ? v.source : v.camera_id}
            </h1>
            <StatusBadge status={v.status} />
            {v.report_id && (
              <a href={link('reports', v.report_id)} class="button" data-testid="open-report">
                {t('sess.openReport')}
              </a>
            )}
          </div>
          {v.status === 'running' && <ProgressBar value={v.progress} label={t('sess.progress')} />}
          {v.error && <Diagnostic class="error" code={v.error_code} params={v.error_params} detail={v.error} />}
          {v.kind === 'file' && !unplayable(v.error_code) && <SessionVideo camera={`session-${v.id}`} key={v.status} />}
        </>
      )}
    </div>
  );
}

/** A session failed because its file is no video a browser could be given: nothing to play. */
function unplayable(code: string | null): boolean {
  return code === 'file_not_found' || code === 'permission_denied' || code === 'invalid_data' || code === 'no_video_stream' || code === 'unsupported_codec';
}
