import { useEffect, useState } from 'preact/hooks';
import { api, call } from '../api/client';
import { href } from '../api/client';
import { reviewLink } from './review';
import type { EventView } from '../api/types';
import { presetRange, RangePicker, type TimeRange } from '../components/range-picker';
import { Card, Empty, ErrorBox, Field, Loading, valueOf, CameraSelect, ClassSelect } from '../components/ui';
import { errorText, useAsync, useCameras, useModel } from '../data';
import { useI18n } from '../i18n/i18n';
import { useFormat } from '../format';
import { useLive } from '../live/live-socket';
import { shapeChoices, useShapes } from '../shapes';

const TYPES = ['zone.enter', 'zone.exit', 'zone.loitering', 'zone.crowded', 'zone.clear', 'line.cross'] as const;
type EventType = (typeof TYPES)[number];
const PAGE = 50;

interface Filters {
  camera: string;
  type: '' | EventType;
  cls: string;
  zone: string;
  line: string;
  range: TimeRange;
}

/** Zone and line events: filters, newest first, "load more" with the API's cursor. */
export function EventsPage() {
  const { t, fmtNum, tc } = useI18n();
  const { fmtTime } = useFormat();
  const cams = useCameras();
  const model = useModel();
  // The event's own frame where its moment was recorded (asked only then); none otherwise.
  const [noThumb, setNoThumb] = useState<ReadonlySet<number>>(new Set());
  const [f, setF] = useState<Filters>({ camera: '', type: '', cls: '', zone: '', line: '', range: presetRange('24h') });
  const [applied, setApplied] = useState(f);
  const [events, setEvents] = useState<EventView[]>();
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [fresh, setFresh] = useState(0);
  const recorded = useRecorded(events, (cams.data ?? []).map((c) => c.id));

  const load = async (q: Filters, cursor?: number) => {
    setBusy(true);
    setError(undefined);
    try {
      // A preset means "up to now" at the moment of asking.
      const r = q.range.preset === 'custom' ? q.range : presetRange(q.range.preset);
      const page = await call<{ events: EventView[]; next: number | null }>(
        api.GET('/api/v1/events', {
          params: {
            query: {
              camera: q.camera || undefined,
              type: q.type || undefined,
              class: q.cls || undefined,
              zone: q.zone.trim() || undefined,
              line: q.line.trim() || undefined,
              from: r.from,
              to: r.to,
              limit: PAGE,
              cursor,
            },
          },
        }),
      );
      setEvents((prev) => (cursor ? [...(prev ?? []), ...page.events] : page.events));
      setNext(page.next);
      if (!cursor) setFresh(0);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => void load(applied), [applied]);
  useLive(['zone.*', 'line.cross'], applied.camera ? [applied.camera] : undefined, () => setFresh((n) => n + 1));

  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setF((x) => ({ ...x, [k]: v }));
  // Zones and lines of the chosen camera (or every camera), offered by name in the filters.
  const shapes = useShapes();
  const camName = (id: string) => cams.data?.find((c) => c.id === id)?.name ?? id;
  const describe = (e: EventView) => {
    const parts: string[] = [];
    if (e.direction) parts.push(t(`report.${e.direction === 'in' ? 'in' : 'out'}`));
    if (e.dwell_seconds !== null) parts.push(`${t('events.dwell')} ${t('unit.s', { n: fmtNum(e.dwell_seconds, 1) })}`);
    if (e.occupancy !== null) parts.push(`${t('cam.occupancy')} ${e.occupancy}`);
    return parts.join(', ');
  };
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('nav.events')}</h1>
      </div>
      <Card>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ ...f });
          }}
        >
          <Field label={t('events.camera')}>
            <CameraSelect value={f.camera} cameras={cams.data} emptyLabel={t('common.all')} onChange={(id) => set('camera', id)} testid="filter-camera" />
          </Field>
          <Field label={t('events.type')}>
            <select value={f.type} onChange={(e) => set('type', valueOf(e) as Filters['type'])} data-testid="filter-type">
              <option value="">{t('common.all')}</option>
              {TYPES.map((x) => (
                <option value={x} key={x}>
                  {t(`ev.${x}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('heat.class')}>
            <ClassSelect value={f.cls} classes={model?.classes} allLabel={t('common.allClasses')} onChange={(c) => set('cls', c)} />
          </Field>
          {(['zone', 'line'] as const).map((kind) => (
            <Field label={t(kind === 'zone' ? 'zones.zone' : 'zones.line')} key={kind}>
              <select value={f[kind]} onChange={(e) => set(kind, valueOf(e))} data-testid={`filter-${kind}`}>
                <option value="">{t('common.any')}</option>
                {shapeChoices(shapes, f.camera, kind).map((x) => (
                  <option value={x.id} key={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </Field>
          ))}
          <Field label={t('range.label')}>
            <RangePicker value={f.range} onChange={(r) => set('range', r)} />
          </Field>
          <div class="filter-actions">
            <button type="submit" class="primary" data-testid="apply-filters">
              {t('events.apply')}
            </button>
          </div>
        </form>
      </Card>
      <Card
        title={events ? t('events.shown', { n: events.length }) : t('nav.events')}
        actions={
          fresh > 0 && (
            <button type="button" onClick={() => void load(applied)} data-testid="new-events">
              {t('events.new', { n: fresh })}
            </button>
          )
        }
      >
        <ErrorBox error={error} />
        {!events ? (
          <Loading />
        ) : events.length === 0 ? (
          <Empty>{t('events.none')}</Empty>
        ) : (
          <div class="table-wrap">
            <table class="table events" data-testid="event-list">
              <thead>
                <tr>
                  <th />
                  <th>{t('events.time')}</th>
                  <th>{t('events.camera')}</th>
                  <th>{t('events.type')}</th>
                  <th>{t('events.where')}</th>
                  <th>{t('heat.class')}</th>
                  <th>{t('events.track')}</th>
                  <th>{t('events.details')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.id} data-event={e.id} data-type={e.type}>
                    <td class="thumb-col">
                      {noThumb.has(e.id) || !recorded(e) ? (
                        <span class="thumb none" />
                      ) : (
                        <img class="thumb" src={href('/api/v1/events/{id}/thumb.jpg', { path: { id: String(e.id) } })} alt="" loading="lazy" onError={() => setNoThumb((s) => new Set(s).add(e.id))} data-testid="event-thumb" />
                      )}
                    </td>
                    <td>{fmtTime(e.time)}</td>
                    <td data-camera={e.camera}>{camName(e.camera)}</td>
                    <td>
                      <span class={`ev ev-${e.type.replace('.', '-')}`}>{t(`ev.${e.type as EventType}`)}</span>
                    </td>
                    <td data-target={e.zone ?? e.line ?? undefined}>{e.zone_name ?? e.line_name ?? '–'}</td>
                    <td>{e.class ? tc(e.class) : '–'}</td>
                    <td>{e.track_id ?? '–'}</td>
                    <td class="muted">{describe(e)}</td>
                    <td>
                      <a class="button play" href={reviewLink(e.camera, 'event', e.id, Date.parse(e.time))} title={t('review.play')} data-testid="event-play">
                        ▶
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {next !== null && (
          <div class="pager">
            <button type="button" disabled={busy} onClick={() => void load(applied, next)} data-testid="load-more">
              {busy ? t('common.working') : t('events.more')}
            </button>
          </div>
        )}
      </Card>
    </div>
  );
}

/** Whether an event's moment is in its camera's recording (the recorded spans around the listed events, per camera). */
function useRecorded(events: EventView[] | undefined, cameras: readonly string[]): (e: EventView) => boolean {
  const key = events ? `${events.length}:${events[0]?.id ?? ''}:${events[events.length - 1]?.id ?? ''}:${cameras.join(',')}` : '';
  const spans = useAsync(async () => {
    const out = new Map<string, Array<[number, number]>>();
    const byCamera = new Map<string, number[]>();
    // Only cameras (an analysis session's events are not recorded).
    for (const e of events ?? []) if (cameras.includes(e.camera)) byCamera.set(e.camera, [...(byCamera.get(e.camera) ?? []), Date.parse(e.time)]);
    await Promise.all(
      [...byCamera].map(async ([camera, times]) => {
        const to = Math.max(...times) + 1;
        const from = Math.max(Math.min(...times), to - 24 * 3_600_000);
        const r = await call<{ segments: Array<{ start: number; end: number }> }>(api.GET('/api/v1/cameras/{id}/recordings', { params: { path: { id: camera }, query: { from, to } } })).catch(() => ({ segments: [] }));
        out.set(camera, r.segments.map((s) => [s.start, s.end]));
      }),
    );
    return out;
  }, [key]);
  return (e) => {
    const at = Date.parse(e.time);
    return (spans.data?.get(e.camera) ?? []).some(([a, b]) => at >= a && at < b);
  };
}
