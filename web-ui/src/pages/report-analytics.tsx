/**
 * A report's operator analytics (issue 18): the comparisons with the previous period and the same
 * weekday of earlier weeks, the peak hour and busiest zone, the weekday × hour table, and the queues,
 * occupancy and speed sections of the analytic engines. Names, not ids (zones and areas as the report
 * names them, cameras from the camera list); every number carries its unit.
 */
import type { ReportBody } from '../api/types';
import type { QueueFigures, QueuesSection } from '../../../appliance/src/analytics/engines/queues.js';
import type { OccupancySection } from '../../../appliance/src/analytics/engines/occupancy.js';
import type { SpeedSection } from '../../../appliance/src/analytics/engines/speed.js';
import { Chart, type ChartSeries } from '../components/chart';
import { Card, DataTable } from '../components/ui';
import { useCameras } from '../data';
import { useI18n } from '../i18n/i18n';
import type { Key } from '../i18n/en';

type Analysis = NonNullable<ReportBody['comparisons']>[number];
const METRICS = ['arrivals', 'entries', 'exits', 'crossings_in', 'crossings_out'] as const;
const METRIC_KEY: Record<(typeof METRICS)[number], Key> = { arrivals: 'rpt18.arrivals', entries: 'report.entries', exits: 'report.exits', crossings_in: 'rpt18.crossingsIn', crossings_out: 'rpt18.crossingsOut' };

/** A camera's display name from the camera list (sessions and removed cameras keep their id). */
export function useCameraName(): (id: string) => string {
  const cams = useCameras();
  return (id) => cams.data?.find((c) => c.id === id)?.name ?? id;
}

const signed = (s: string, n: number) => (n > 0 ? `+${s}` : s);

function Comparisons(props: { body: ReportBody }) {
  const { t, fmtNum, fmtTime } = useI18n();
  const camName = useCameraName();
  const b = props.body;
  if (!b.totals) return null;
  const comps = b.comparisons ?? [];
  const label = (c: Analysis) => (c.kind === 'previous' ? t('rpt18.previous') : t('rpt18.weeksBack', { n: c.weeks_back ?? 1 }));
  const busiest = b.busiest_zone;
  const busiestName = busiest ? (b.zones.find((z) => z.camera === busiest.camera && z.zone === busiest.zone)?.name ?? busiest.zone) : '';
  return (
    <Card title={t('rpt18.comparisons')} testid="report-comparisons">
      <p class="muted small">{t('rpt18.timeZone', { tz: b.time_zone ?? '' })}</p>
      <DataTable testid="comparison-table" head={[t('rpt18.metric'), t('rpt18.thisPeriod'), ...comps.map((c) => <span title={`${fmtTime(c.from)} – ${fmtTime(c.to)}`}>{label(c)}</span>), ...comps.map((c) => t('rpt18.change', { what: label(c) }))]}>
        {METRICS.map((m) => (
          <tr key={m} data-metric={m}>
            <td>{t(METRIC_KEY[m])}</td>
            <td data-cell="now">{fmtNum(b.totals![m])}</td>
            {comps.map((c, i) => (
              <td key={`then${i}`} data-cell={`then-${i}`}>
                {fmtNum(c.totals[m])}
              </td>
            ))}
            {comps.map((c, i) => (
              <td key={`ch${i}`} data-cell={`change-${i}`} class={c.change[m].abs > 0 ? 'up' : c.change[m].abs < 0 ? 'down' : ''}>
                <span data-cell="abs">{signed(fmtNum(c.change[m].abs), c.change[m].abs)}</span>
                {c.change[m].pct !== null && <span class="muted small"> (<span data-cell="pct">{signed(fmtNum(c.change[m].pct!, 1), c.change[m].pct!)}</span> %)</span>}
              </td>
            ))}
          </tr>
        ))}
      </DataTable>
      <div class="kpis">
        <div class="kpi" data-testid="peak-hour">
          <div class="kpi-value">{b.peak_hour ? b.peak_hour.local : '–'}</div>
          <div class="kpi-label">
            {t('rpt18.peakHour')}
            {b.peak_hour && (
              <>
                {' · '}
                <span data-cell="arrivals">{fmtNum(b.peak_hour.arrivals)}</span> {t('rpt18.arrivalsUnit')}
              </>
            )}
          </div>
        </div>
        <div class="kpi" data-testid="busiest-zone">
          <div class="kpi-value">{busiest ? busiestName : '–'}</div>
          <div class="kpi-label">
            {t('rpt18.busiestZone')}
            {busiest && (
              <>
                {' · '}
                {camName(busiest.camera)} · <span data-cell="entries">{fmtNum(busiest.entries)}</span> {t('rpt18.entriesUnit')}
              </>
            )}
          </div>
        </div>
      </div>
    </Card>
  );
}

function DayHour(props: { body: ReportBody }) {
  const { t, fmtNum } = useI18n();
  const dh = props.body.day_hour;
  if (!dh) return null;
  const max = Math.max(1, ...dh.average.flat().map((v) => v ?? 0));
  return (
    <Card title={t('rpt18.dayHour')} testid="report-day-hour">
      <p class="muted small">{t('rpt18.dayHourExplain')}</p>
      <div class="table-wrap">
        <table class="table day-hour" data-testid="day-hour-table">
          <thead>
            <tr>
              <th />
              {Array.from({ length: 24 }, (_, h) => (
                <th key={h}>{String(h).padStart(2, '0')}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {dh.average.map((row, d) => (
              <tr key={d} data-weekday={d}>
                <th>{t(`rpt18.wd${d}` as Key)}</th>
                {row.map((v, h) => (
                  <td key={h} data-hour={h} style={v === null ? undefined : { background: `rgba(37, 99, 235, ${(0.08 + (0.6 * v) / max).toFixed(2)})` }}>
                    {v === null ? '' : fmtNum(v, 1)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function Queues(props: { section: QueuesSection; range: [number, number] }) {
  const range = props.range;
  const { t, fmtNum } = useI18n();
  const camName = useCameraName();
  const s = props.section;
  const sec = (v: number | null) => (v === null ? '–' : t('unit.s', { n: fmtNum(v, 1) }));
  const per = fmtNum(s.interval_seconds / 60);
  return (
    <Card title={t('rpt18.queues')} testid="report-queues">
      <DataTable
        testid="queue-table"
        head={[t('rpt18.queue'), t('rpt18.joined'), t('rpt18.served'), t('rpt18.abandoned'), t('rpt18.meanWait'), t('rpt18.maxWait'), t('rpt18.meanLength'), t('rpt18.maxLength'), t('rpt18.estimatedWait')]}
      >
        {s.queues.map((q) => (
          <tr key={q.camera + q.zone} data-queue={q.zone}>
            <td>
              {q.name ?? q.zone} <span class="muted small">{camName(q.camera)}</span>
            </td>
            <td data-cell="joined">{fmtNum(q.joined)}</td>
            <td data-cell="served">{fmtNum(q.served)}</td>
            <td data-cell="abandoned">{fmtNum(q.abandoned)}</td>
            <td data-cell="mean-wait">{sec(q.mean_wait_seconds)}</td>
            <td data-cell="max-wait">{sec(q.max_wait_seconds)}</td>
            <td data-cell="mean-length">{fmtNum(q.mean_length, 2)}</td>
            <td data-cell="max-length">{fmtNum(q.max_length)}</td>
            <td data-cell="estimated-wait">{sec(q.mean_estimated_wait_seconds)}</td>
          </tr>
        ))}
      </DataTable>
      {s.queues.map((q) => {
        // Every interval of the report's range: none stored is a gap for levels, 0 for counts.
        const step = s.interval_seconds;
        const byStart = new Map(q.intervals.map((i) => [i.start, i]));
        const x: number[] = [];
        for (let t = Math.floor(range[0] / step) * step; t < range[1]; t += step) x.push(t);
        const at = <K extends keyof QueueFigures>(k: K, empty: QueueFigures[K] | null) => x.map((t) => (byStart.get(t)?.[k] ?? empty) as number | null);
        const length: ChartSeries[] = [
          { label: t('rpt18.meanLength'), color: '#2563eb', values: at('mean_length', null), total: false },
          { label: t('rpt18.maxLength'), color: '#f59e0b', values: at('max_length', null), total: false },
        ];
        const flow: ChartSeries[] = [
          { label: t('rpt18.served'), color: '#16a34a', values: at('served', 0), bars: true },
          { label: t('rpt18.abandoned'), color: '#dc2626', values: at('abandoned', 0), bars: true },
        ];
        const wait: ChartSeries[] = [{ label: t('rpt18.meanWait'), color: '#9333ea', values: at('mean_wait_seconds', null), total: false }];
        return (
          <div key={q.camera + q.zone} class="grid-2" data-queue-charts={q.zone}>
            <div>
              <h3>
                {q.name ?? q.zone} · {t('rpt18.lengthOverTime')}
              </h3>
              <Chart x={x} range={range} series={length} testid={`queue-length-${q.zone}`} yLabel={t('rpt18.peopleWaiting')} height={180} />
            </div>
            <div>
              <h3>
                {q.name ?? q.zone} · {t('rpt18.servedAbandoned')}
              </h3>
              <Chart x={x} range={range} series={flow} testid={`queue-flow-${q.zone}`} yLabel={t('rpt18.perInterval', { n: per })} height={180} />
            </div>
            <div>
              <h3>
                {q.name ?? q.zone} · {t('rpt18.meanWait')}
              </h3>
              <Chart x={x} range={range} series={wait} testid={`queue-wait-${q.zone}`} yLabel={t('rpt18.seconds')} height={180} />
            </div>
          </div>
        );
      })}
    </Card>
  );
}

function Occupancy(props: { section: OccupancySection }) {
  const { t, fmtNum } = useI18n();
  const camName = useCameraName();
  const areas = Object.entries(props.section.areas);
  const zones = props.section.zones;
  const pct = (v: number | null) => (v === null ? '–' : `${fmtNum(v, 1)} %`);
  const bar = (v: number | null) => <span class={`hbar${(v ?? 0) > 100 ? ' over' : ''}`} style={{ width: `${Math.min(100, v ?? 0)}%` }} />;
  const reason = (r: string) => (['below_zero', 'below_seen', 'closing'].includes(r) ? t(`rpt18.reason_${r}` as Key) : r);
  return (
    <Card title={t('rpt18.occupancy')} testid="report-occupancy">
      {areas.length > 0 && (
        <DataTable testid="area-table" head={[t('rpt18.area'), t('report.entries'), t('report.exits'), t('rpt18.peak'), t('rpt18.capacity'), t('rpt18.ofCapacity'), { label: t('rpt18.ofCapacity'), class: 'bar-col' }, t('rpt18.correction')]}>
          {areas.map(([id, a]) => (
            <tr key={id} data-area={id}>
              <td>
                {a.name ?? id} <span class="muted small">{(a.cameras ?? []).map(camName).join(', ')}</span>
              </td>
              <td data-cell="entries">{fmtNum(a.entries)}</td>
              <td data-cell="exits">{fmtNum(a.exits)}</td>
              <td data-cell="peak">{fmtNum(a.peak)}</td>
              <td data-cell="capacity">{a.capacity === null ? '–' : fmtNum(a.capacity)}</td>
              <td data-cell="peak-percent">{pct(a.peak_percent)}</td>
              <td class="bar-col">{bar(a.peak_percent)}</td>
              <td data-cell="corrections">
                {a.corrections.length === 0
                  ? t('rpt18.noCorrection')
                  : a.corrections.map((c) => (
                      <div key={c.day} data-day={c.day}>
                        {c.day}: <span data-cell="added">+{fmtNum(c.added)}</span> / <span data-cell="removed">−{fmtNum(c.removed)}</span>{' '}
                        <span class="muted small">
                          ({Object.entries(c.by_reason)
                            .map(([r, v]) => `${reason(r)}: +${fmtNum(v.added)}/−${fmtNum(v.removed)}`)
                            .join('; ')}
                          )
                        </span>
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {zones.length > 0 && (
        <DataTable testid="capacity-table" head={[t('zones.zone'), t('rpt18.peak'), t('rpt18.capacity'), t('rpt18.ofCapacity'), { label: t('rpt18.ofCapacity'), class: 'bar-col' }, t('rpt18.minutesOver')]}>
          {zones.map((z) => (
            <tr key={z.camera + z.zone} data-zone={z.zone}>
              <td>
                {z.name ?? z.zone} <span class="muted small">{camName(z.camera)}</span>
              </td>
              <td data-cell="peak">{fmtNum(z.peak)}</td>
              <td data-cell="capacity">{fmtNum(z.capacity)}</td>
              <td data-cell="peak-percent">{pct(z.peak_percent)}</td>
              <td class="bar-col">{bar(z.peak_percent)}</td>
              <td data-cell="minutes-over">{t('unit.m', { n: fmtNum(z.minutes_over) })}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}

function Speed(props: { section: SpeedSection }) {
  const { t, fmtNum, tc } = useI18n();
  const camName = useCameraName();
  const rows = props.section.zones;
  const top = Math.max(0.1, ...rows.map((r) => r.p95_mps));
  const mps = (v: number) => fmtNum(v, 2);
  return (
    <Card title={t('rpt18.speed')} testid="report-speed">
      <DataTable testid="speed-table" head={[t('zones.zone'), t('rpt18.class'), t('rpt18.samples'), t('rpt18.mean'), 'p50', 'p85', 'p95', t('rpt18.max'), { label: 'p50 · p85 · p95', class: 'bar-col' }]}>
        {rows.map((r) => (
          <tr key={`${r.camera}|${r.zone}|${r.class}`} data-zone={r.zone} data-class={r.class}>
            <td>
              {r.zone === '*' ? t('rpt18.wholeView') : (r.name ?? r.zone)} <span class="muted small">{camName(r.camera)}</span>
            </td>
            <td>{tc(r.class)}</td>
            <td data-cell="samples">{fmtNum(r.samples)}</td>
            <td data-cell="mean">{mps(r.mean_mps)}</td>
            <td data-cell="p50">{mps(r.p50_mps)}</td>
            <td data-cell="p85">{mps(r.p85_mps)}</td>
            <td data-cell="p95">{mps(r.p95_mps)}</td>
            <td data-cell="max">{mps(r.max_mps)}</td>
            <td class="bar-col speed-bars">
              {[r.p50_mps, r.p85_mps, r.p95_mps].map((v, i) => (
                <span key={i} class={`hbar p${i}`} style={{ width: `${(v / top) * 100}%` }} />
              ))}
            </td>
          </tr>
        ))}
      </DataTable>
      <p class="muted small">{t('rpt18.speedUnit')}</p>
    </Card>
  );
}

/** Everything of issue 18 a report holds; nothing for a report without it. */
export function ReportAnalytics(props: { body: ReportBody }) {
  const a = props.body.analytics as { queues?: QueuesSection; occupancy?: OccupancySection; speed?: SpeedSection } | undefined;
  return (
    <>
      <Comparisons body={props.body} />
      <DayHour body={props.body} />
      {a?.queues && a.queues.queues.length > 0 && <Queues section={a.queues} range={[Date.parse(props.body.from) / 1000, Date.parse(props.body.to) / 1000]} />}
      {a?.occupancy && (Object.keys(a.occupancy.areas).length > 0 || a.occupancy.zones.length > 0) && <Occupancy section={a.occupancy} />}
      {a?.speed && a.speed.zones.length > 0 && <Speed section={a.speed} />}
    </>
  );
}
