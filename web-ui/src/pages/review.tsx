import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, apiFetch, ApiFailure, call, href } from '../api/client';
import type { EventView, NotificationView } from '../api/types';
import { Card, Empty, ErrorBox, Field, Loading, valueOf } from '../components/ui';
import { errorText, useAsync, useCameras } from '../data';
import { useI18n } from '../i18n/i18n';
import { link } from '../router';

/** Spans the timeline can show, in minutes. */
const SPANS = [5, 15, 30, 60, 360, 1440];

interface Recorded {
  segments: Array<{ id: number; start: number; end: number; bytes: number }>;
  gaps: Array<{ from: number; to: number }>;
}

/** A mark on the timeline: an analytic event or an alert, at its time (unix ms). */
interface Mark {
  kind: 'event' | 'notification';
  id: number;
  at: number;
  label: string;
  type: string;
  cls: string | null;
  zone: string | null;
  line: string | null;
  rule: string | null;
}

type Clip = { kind: Mark['kind']; id: number; url: string; state: 'checking' | 'ready' | 'pending' | 'missing'; note?: string };

const clipUrl = (kind: Mark['kind'], id: number) => (kind === 'event' ? href('/api/v1/events/{id}/clip.mp4', { path: { id: String(id) } }) : href('/api/v1/notifications/{id}/clip.mp4', { path: { id: String(id) } }));

/**
 * Review of one camera's recordings: a timeline of recorded spans and gaps with its events and alerts
 * as marks and their counts per minute under it; a mark plays its clip (which starts the camera's
 * pre roll before it), frame by frame if wanted, and can be downloaded. Filters: class, zone, line, rule.
 */
export function ReviewPage(props: { camera: string; at?: number; select?: { kind: Mark['kind']; id: number } }) {
  const { t, fmtTime, tc } = useI18n();
  const cams = useCameras();
  const cam = cams.data?.find((c) => c.id === props.camera);
  const [minutes, setMinutes] = useState(props.at ? 60 : 30);
  const [end, setEnd] = useState(() => (props.at ? Math.min(Date.now(), props.at + 30 * 60_000) : Date.now()));
  const from = end - minutes * 60_000;
  const [filter, setFilter] = useState({ cls: '', zone: '', line: '', rule: '' });
  const [clip, setClip] = useState<Clip>();
  const video = useRef<HTMLVideoElement>(null);

  const rec = useAsync(() => call<Recorded>(api.GET('/api/v1/cameras/{id}/recordings', { params: { path: { id: props.camera }, query: { from, to: end } } })), [props.camera, from, end]);
  const marks = useAsync(async (): Promise<Mark[]> => {
    const [ev, al] = await Promise.all([
      call<{ events: EventView[] }>(api.GET('/api/v1/events', { params: { query: { camera: props.camera, from: Math.floor(from / 1000), to: Math.ceil(end / 1000), limit: 1000 } } })),
      call<{ notifications: NotificationView[] }>(api.GET('/api/v1/notifications', { params: { query: { camera: props.camera, limit: 500 } } })),
    ]);
    const out: Mark[] = ev.events.map((e) => ({ kind: 'event', id: e.id, at: Date.parse(e.time), label: t(`ev.${e.type}` as never), type: e.type, cls: e.class, zone: e.zone, line: e.line, rule: null }));
    for (const n of al.notifications) {
      const at = Date.parse(n.time);
      if (at >= from && at <= end) out.push({ kind: 'notification', id: n.id, at, label: n.rule_name, type: 'alert', cls: null, zone: null, line: null, rule: n.rule_name });
    }
    return out.sort((a, b) => a.at - b.at);
  }, [props.camera, from, end]);

  const shown = useMemo(
    () =>
      (marks.data ?? []).filter(
        (m) => (!filter.cls || m.cls === filter.cls) && (!filter.zone || m.zone === filter.zone) && (!filter.line || m.line === filter.line) && (!filter.rule || m.rule === filter.rule),
      ),
    [marks.data, filter],
  );
  const values = (k: 'cls' | 'zone' | 'line' | 'rule') => [...new Set((marks.data ?? []).map((m) => m[k]).filter((v): v is string => !!v))].sort();

  /** Asks for the clip first (one byte): 409 while its post roll is recorded (asked again), 403/404 with the reason. */
  const open = async (kind: Mark['kind'], id: number) => {
    const url = clipUrl(kind, id);
    setClip({ kind, id, url, state: 'checking' });
    const r = await apiFetch(new Request(new URL(url, location.origin), { headers: { Range: 'bytes=0-0' } }));
    if (r.status === 206 || r.status === 200) return setClip({ kind, id, url, state: 'ready' });
    const body = (await r.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
    if (r.status === 409) {
      const wait = Number(r.headers.get('retry-after') ?? 2);
      setClip({ kind, id, url, state: 'pending', note: t('review.pending', { n: wait }) });
      setTimeout(() => void open(kind, id), Math.min(30, Math.max(1, wait)) * 1000);
      return;
    }
    setClip({ kind, id, url, state: 'missing', note: body?.error ? errorText(ApiFailure.from(r.status, body)) : t('review.notRecorded') });
  };
  useEffect(() => {
    if (props.select) void open(props.select.kind, props.select.id);
  }, [props.select?.kind, props.select?.id]);
  useEffect(() => {
    const v = video.current;
    if (clip?.state === 'ready' && v) void v.play().catch(() => undefined);
  }, [clip?.state, clip?.url]);

  const step = (frames: number) => {
    const v = video.current;
    if (!v) return;
    v.pause();
    v.currentTime = Math.max(0, Math.min(v.duration || Infinity, v.currentTime + frames / (cam?.fps || 25)));
  };
  const pct = (ms: number) => `${(Math.max(0, Math.min(1, (ms - from) / (end - from))) * 100).toFixed(3)}%`;
  // Counts under the timeline: one bar per minute (per longer bucket on wide spans, at most 240 bars).
  const bucketMs = Math.max(60_000, Math.ceil((end - from) / 240 / 60_000) * 60_000);
  const buckets = new Array<number>(Math.ceil((end - from) / bucketMs)).fill(0);
  for (const m of shown) buckets[Math.min(buckets.length - 1, Math.floor((m.at - from) / bucketMs))]!++;
  const top = Math.max(1, ...buckets);

  return (
    <div class="page">
      <div class="page-head">
        <h1>
          {t('review.title')} · {cam?.name ?? props.camera}
        </h1>
        <a href={link('cameras', props.camera)}>{t('review.camera')}</a>
      </div>
      <Card>
        <div class="filters">
          <Field label={t('review.span')}>
            <select value={minutes} onChange={(e) => setMinutes(Number(valueOf(e)))} data-testid="review-span-select">
              {SPANS.map((m) => (
                <option value={m} key={m}>
                  {m < 60 ? t('review.minutes', { n: m }) : t('review.hours', { n: m / 60 })}
                </option>
              ))}
            </select>
          </Field>
          {(['cls', 'zone', 'line', 'rule'] as const).map((k) => (
            <Field label={t(`review.by.${k}`)} key={k}>
              <select value={filter[k]} onChange={(e) => setFilter((f) => ({ ...f, [k]: valueOf(e) }))} data-testid={`review-filter-${k}`}>
                <option value="">{t('common.all')}</option>
                {values(k).map((v) => (
                  <option value={v} key={v}>
                    {k === 'cls' ? tc(v) : v}
                  </option>
                ))}
              </select>
            </Field>
          ))}
          <div class="filter-actions">
            <button type="button" onClick={() => setEnd(Date.now())} data-testid="review-refresh">
              {t('review.now')}
            </button>
          </div>
        </div>
      </Card>
      <Card title={`${fmtTime(new Date(from).toISOString())} – ${fmtTime(new Date(end).toISOString())}`}>
        <ErrorBox error={rec.error ?? marks.error} />
        {!rec.data || !marks.data ? (
          <Loading />
        ) : (
          <div class="review-timeline" data-testid="review-timeline">
            <div class="review-track">
              {rec.data.segments.map((s) => (
                <div class="review-span" key={s.id} style={{ left: pct(s.start), width: `calc(${pct(s.end)} - ${pct(s.start)})` }} data-testid="review-span" />
              ))}
              {rec.data.gaps.map((g) => (
                <div class="review-gap" key={`${g.from}`} style={{ left: pct(g.from), width: `calc(${pct(g.to)} - ${pct(g.from)})` }} title={t('review.gap')} />
              ))}
              {shown.map((m) => (
                <button
                  type="button"
                  key={`${m.kind}-${m.id}`}
                  class={`review-mark ${m.kind === 'notification' ? 'alert' : m.type.replace('.', '-')}${clip?.kind === m.kind && clip.id === m.id ? ' on' : ''}`}
                  style={{ left: pct(m.at) }}
                  title={`${fmtTime(new Date(m.at).toISOString())} ${m.label}${m.zone ?? m.line ? ` · ${m.zone ?? m.line}` : ''}${m.cls ? ` · ${tc(m.cls)}` : ''}`}
                  onClick={() => void open(m.kind, m.id)}
                  data-testid="review-mark"
                  data-kind={m.kind}
                  data-id={m.id}
                  data-type={m.type}
                  data-at={m.at}
                />
              ))}
            </div>
            <div class="review-counts" data-testid="review-counts">
              {buckets.map((n, i) => (
                <div key={i} style={{ height: `${(n / top) * 100}%` }} title={`${fmtTime(new Date(from + i * bucketMs).toISOString())}: ${n}`} data-count={n} />
              ))}
            </div>
            {shown.length === 0 && <Empty>{t('review.noMarks')}</Empty>}
          </div>
        )}
      </Card>
      <Card title={t('review.player')}>
        {!clip ? (
          <Empty>{t('review.pick')}</Empty>
        ) : clip.state !== 'ready' ? (
          <p class={clip.state === 'missing' ? 'error' : 'muted'} data-testid="review-clip-state">
            {clip.note ?? t('common.working')}
          </p>
        ) : (
          <div class="review-player">
            <video ref={video} src={clip.url} controls muted playsInline preload="auto" data-testid="review-video" />
            <div class="row">
              <button type="button" onClick={() => step(-1)} title={t('review.prevFrame')} data-testid="review-prev-frame">
                ◀ {t('review.frame')}
              </button>
              <button type="button" onClick={() => step(1)} title={t('review.nextFrame')} data-testid="review-next-frame">
                {t('review.frame')} ▶
              </button>
              <a class="button" href={clip.url} download={`${props.camera}-${clip.kind}-${clip.id}.mp4`} data-testid="review-download">
                {t('review.download')}
              </a>
            </div>
          </div>
        )}
      </Card>
    </div>
  );
}

/** The review link of an event or alert: its camera's timeline around it, its clip playing. */
export function reviewLink(camera: string, kind: Mark['kind'], id: number, at: number): string {
  return `${link('review', camera)}?${kind}=${id}&at=${at}`;
}

/** `#/review/<camera>?event=…&at=…` → the page's props. */
export function reviewProps(camera: string, q: URLSearchParams): { camera: string; at?: number; select?: { kind: Mark['kind']; id: number } } {
  const at = Number(q.get('at'));
  const ev = Number(q.get('event'));
  const al = Number(q.get('notification'));
  return {
    camera,
    ...(Number.isFinite(at) && at > 0 ? { at } : {}),
    ...(ev > 0 ? { select: { kind: 'event' as const, id: ev } } : al > 0 ? { select: { kind: 'notification' as const, id: al } } : {}),
  };
}

