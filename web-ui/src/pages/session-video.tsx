import { useMemo, useRef, useState } from 'preact/hooks';
import { api, call, href } from '../api/client';
import type { SessionTimeline, SessionView } from '../api/types';
import { Chart, type ChartSeries } from '../components/chart';
import { Card, ErrorBox } from '../components/ui';
import { useAsync } from '../data';
import { useI18n } from '../i18n/i18n';
import { useSiteTimeZone } from '../site';
import { basename } from './sessions';

/** Seconds into a video as 00:00:07 (hh:mm:ss; `decimals` digits of the second after it): video time, not the clock of the analysis. */
export function videoTime(s: number, decimals = 0): string {
  const whole = Math.floor(s);
  const two = (n: number) => String(n).padStart(2, '0');
  const frac = decimals > 0 ? (s - whole).toFixed(decimals).slice(1) : '';
  return `${two(Math.floor(whole / 3600))}:${two(Math.floor(whole / 60) % 60)}:${two(whole % 60)}${frac}`;
}

/**
 * A file session in video time (issue 19): the file's name, when it was recorded (when the file
 * says), its timeline over the video (buckets sized to it: a second each for a short clip), the
 * player, and each event at its offset into the file as a button that puts the video at that moment.
 */
export function SessionVideo(props: { camera: string }) {
  const { t, tc, lang } = useI18n();
  const tz = useSiteTimeZone();
  const id = props.camera.replace(/^session-/, '');
  const video = useRef<HTMLVideoElement>(null);
  const [at, setAt] = useState<number>();
  const data = useAsync(async () => {
    const s = await call<SessionView>(api.GET('/api/v1/sessions/{id}', { params: { path: { id } } }));
    if (s.kind !== 'file' || s.video_base_ms === null) return { session: s, timeline: undefined };
    return { session: s, timeline: await call<SessionTimeline>(api.GET('/api/v1/sessions/{id}/timeline', { params: { path: { id } } })) };
  }, [props.camera]);
  const tl = data.data?.timeline;
  const chart = useMemo(() => {
    if (!tl) return undefined;
    const series: ChartSeries[] = [
      { label: t('report.in'), color: '#2563eb', values: tl.buckets.map((b) => b.crossings_in), bars: true },
      { label: t('report.out'), color: '#f59e0b', values: tl.buckets.map((b) => b.crossings_out), bars: true },
      { label: t('report.entries'), color: '#10b981', values: tl.buckets.map((b) => b.entries) },
      { label: t('sess.tracksSeries'), color: '#6b7280', values: tl.buckets.map((b) => b.tracks) },
    ];
    const x = tl.buckets.map((b) => b.offset_s);
    return { x, series, range: [0, tl.buckets.length * tl.bucket_seconds] as [number, number], xAxis: { format: (v: number) => videoTime(v), label: t('sess.videoTime'), step: tl.bucket_seconds } };
  }, [tl, lang]);
  if (data.error) return <ErrorBox error={data.error} />;
  const d = data.data;
  if (!d || d.session.kind !== 'file') return null;
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  const clock = (iso: string, withDate = false) =>
    new Date(iso).toLocaleString(locale, { ...(tz ? { timeZone: tz } : {}), ...(withDate ? { dateStyle: 'medium' as const } : {}), timeStyle: 'medium' });
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
      {!tl ? (
        <p class="muted">{t('sess.notAnalysed')}</p>
      ) : (
        <>
          <p class="muted small" data-testid="session-clock" data-start={tl.video_start ?? ''}>
            {tl.video_start ? t('sess.recordedAt', { time: clock(tl.video_start, true) }) : t('sess.noClock')} · {t('sess.videoLength', { d: videoTime(tl.duration_s, 2), s: tl.bucket_seconds })}
          </p>
          <h3>{t('sess.timeline')}</h3>
          {chart && <Chart testid="session-timeline" x={chart.x} series={chart.series} range={chart.range} xAxis={chart.xAxis} yLabel={t('sess.perBucket')} height={200} />}
        </>
      )}
      <div class="session-video">
        <video ref={video} src={href('/api/v1/sessions/{id}/video', { path: { id } })} controls muted playsInline preload="metadata" data-testid="session-player" />
        <ol class="session-events" data-testid="session-events">
          {tl && tl.events.length === 0 && <li class="muted">{t('events.none')}</li>}
          {tl && tl.events_total > tl.events.length && <li class="muted">{t('sess.eventsShown', { n: tl.events.length, total: tl.events_total })}</li>}
          {tl?.events.map((e) => (
            <li key={e.id} data-event={e.id} data-offset={e.offset_s.toFixed(3)} class={at === e.offset_s ? 'active' : ''}>
              <button type="button" class="link-button" onClick={() => jump(e.offset_s)} title={e.video_time ? clock(e.video_time, true) : undefined}>
                <span class="mono">{videoTime(e.offset_s, 2)}</span>
                {e.video_time ? <span class="muted small"> ({clock(e.video_time)})</span> : null} {t(`ev.${e.type as 'zone.enter'}`)}
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
