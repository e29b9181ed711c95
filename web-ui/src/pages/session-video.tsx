import { useRef, useState } from 'preact/hooks';
import { api, call, href } from '../api/client';
import type { EventView, SessionView } from '../api/types';
import { Card, ErrorBox } from '../components/ui';
import { useAsync } from '../data';
import { useI18n } from '../i18n/i18n';
import { basename } from './sessions';

/** Seconds into the video as m:ss.s (video time, not the clock of the analysis). */
export function videoTime(s: number): string {
  const m = Math.floor(s / 60);
  const sec = s - m * 60;
  return `${m}:${sec < 10 ? '0' : ''}${sec.toFixed(1)}`;
}

/**
 * A file session's video beside its events in video time (offset from the file's start): the file's
 * name, the player, and each event as a button that puts the video at its moment.
 */
export function SessionVideo(props: { camera: string }) {
  const { t, tc } = useI18n();
  const id = props.camera.replace(/^session-/, '');
  const video = useRef<HTMLVideoElement>(null);
  const [at, setAt] = useState<number>();
  const data = useAsync(async () => {
    const s = await call<SessionView>(api.GET('/api/v1/sessions/{id}', { params: { path: { id } } }));
    if (s.kind !== 'file' || s.video_base_ms === null) return { session: s, events: [] as Array<EventView & { offset: number }> };
    const from = Math.floor(s.video_base_ms / 1000);
    const page = await call<{ events: EventView[] }>(api.GET('/api/v1/events', { params: { query: { camera: props.camera, from, to: from + 7 * 86_400, limit: 1000 } } }));
    const base = s.video_base_ms;
    const events = page.events.map((e) => ({ ...e, offset: (Date.parse(e.time) - base) / 1000 })).sort((a, b) => a.offset - b.offset || a.id - b.id);
    return { session: s, events };
  }, [props.camera]);
  if (data.error) return <ErrorBox error={data.error} />;
  const d = data.data;
  if (!d || d.session.kind !== 'file') return null;
  const jump = (s: number) => {
    const v = video.current;
    if (!v) return;
    v.currentTime = s;
    setAt(s);
  };
  return (
    <Card title={t('sess.video')} testid="session-video">
      <p class="muted" data-testid="session-file" title={d.session.source}>
        {basename(d.session.source)}
      </p>
      <div class="session-video">
        <video ref={video} src={href('/api/v1/sessions/{id}/video', { path: { id } })} controls muted playsInline preload="metadata" data-testid="session-player" />
        <ol class="session-events" data-testid="session-events">
          {d.events.length === 0 && <li class="muted">{t('events.none')}</li>}
          {d.events.map((e) => (
            <li key={e.id} data-event={e.id} data-offset={e.offset.toFixed(3)} class={at === e.offset ? 'active' : ''}>
              <button type="button" class="link-button" onClick={() => jump(e.offset)}>
                <span class="mono">{videoTime(e.offset)}</span> {t(`ev.${e.type as 'zone.enter'}`)}
                {e.zone_name ?? e.line_name ? ` · ${e.zone_name ?? e.line_name}` : ''}
                {e.direction ? ` · ${t(e.direction === 'in' ? 'report.in' : 'report.out')}` : ''}
                {e.class ? ` · ${tc(e.class)}` : ''}
              </button>
            </li>
          ))}
        </ol>
      </div>
    </Card>
  );
}
