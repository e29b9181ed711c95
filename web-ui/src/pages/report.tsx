import { useMemo } from 'preact/hooks';
import { api, call, href } from '../api/client';
import type { AuditSummary, Report, ReportBody } from '../api/types';
import { pct } from './audit-result';
import { Chart, type ChartSeries } from '../components/chart';
import { HeatmapGrid, HeatmapLegend, scaleOf } from '../components/heatmap-grid';
import { Card, Empty, ErrorBox, Loading, DataTable } from '../components/ui';
import { useAsync, useCameras } from '../data';
import { useSnapshots } from '../snapshot';
import { useI18n } from '../i18n/i18n';
import { link } from '../router';
import { SessionVideo } from './session-video';
import { ReportAnalytics, useCameraName } from './report-analytics';

function Kpi(props: { label: string; value: string | number; testid?: string }) {
  return (
    <div class="kpi">
      <div class="kpi-value" data-testid={props.testid}>
        {props.value}
      </div>
      <div class="kpi-label">{props.label}</div>
    </div>
  );
}

function Timeline(props: { body: ReportBody }) {
  const { t } = useI18n();
  const tl = props.body.timeline;
  const x = useMemo(() => tl.map((r) => Date.parse(r.time) / 1000), [tl]);
  // The report's range, widened to whole buckets (the first starts at or before `from`).
  const range: [number, number] = [Math.min(Date.parse(props.body.from) / 1000, x[0] ?? Infinity), Math.max(Date.parse(props.body.to) / 1000, (x[x.length - 1] ?? -Infinity) + props.body.resolution_seconds)];
  const counts = useMemo<ChartSeries[]>(
    () => [
      { label: t('report.newTracks'), color: '#2563eb', values: tl.map((r) => r.tracks) },
      // Reports stored before visitors were counted have none.
      ...(tl.some((r) => r.visitors !== undefined) ? [{ label: t('report.newVisitors'), color: '#0891b2', values: tl.map((r) => r.visitors ?? 0) }] : []),
      { label: t('report.maxOccupancy'), color: '#f59e0b', values: tl.map((r) => r.max_occupancy), total: false },
      { label: t('report.entries'), color: '#16a34a', values: tl.map((r) => r.entries) },
      { label: t('report.exits'), color: '#dc2626', values: tl.map((r) => r.exits) },
    ],
    [tl, t],
  );
  const crossings = useMemo<ChartSeries[]>(
    () => [
      { label: t('report.in'), color: '#0d9488', values: tl.map((r) => r.crossings_in), bars: true },
      { label: t('report.out'), color: '#9333ea', values: tl.map((r) => r.crossings_out), bars: true },
    ],
    [tl, t],
  );
  if (tl.length === 0) return <Empty>{t('report.noTimeline')}</Empty>;
  return (
    <div class="grid-2">
      <Card title={t('report.countsOverTime')}>
        <Chart x={x} series={counts} range={range} testid="chart-counts" yLabel={t('report.peopleAxis')} />
      </Card>
      {props.body.lines.length > 0 && (
        <Card title={t('report.crossingsOverTime')}>
          <Chart x={x} series={crossings} range={range} testid="chart-crossings" yLabel={t('report.crossingsAxis')} />
        </Card>
      )}
    </div>
  );
}

function Zones(props: { body: ReportBody }) {
  const { t, fmtNum, fmtTime, tc } = useI18n();
  const camName = useCameraName();
  const zones = props.body.zones;
  if (zones.length === 0) return null;
  const maxDwell = Math.max(1, ...zones.map((z) => z.dwell_seconds.average ?? 0));
  const sec = (v: number | null) => (v === null ? '–' : t('unit.s', { n: fmtNum(v, 1) }));
  return (
    <Card title={t('report.zones')}>
      <DataTable testid="report-zones" head={[t('zones.zone'), t('report.entries'), t('report.exits'), t('report.peak'), t('report.visits'), t('report.dwellAvg'), t('report.dwellMedian'), t('report.dwellP95'), { label: t('report.dwellAvg'), class: 'bar-col' }]}>
        {zones.map((z) => (
          <tr key={z.camera + z.zone}>
            <td>
              <span data-zone={z.zone}>{z.name ?? z.zone}</span> <span class="muted small">{camName(z.camera)}</span>
            </td>
            <td>{z.entries}</td>
            <td>{z.exits}</td>
            <td>
              {z.peak_occupancy.value}
              {z.peak_occupancy.at && <span class="muted small"> {fmtTime(z.peak_occupancy.at)}</span>}
            </td>
            <td>{z.dwell_seconds.visits}</td>
            <td>{sec(z.dwell_seconds.average)}</td>
            <td>{sec(z.dwell_seconds.median)}</td>
            <td>{sec(z.dwell_seconds.p95)}</td>
            <td class="bar-col">
              <span class="hbar" style={{ width: `${((z.dwell_seconds.average ?? 0) / maxDwell) * 100}%` }} />
            </td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}

/** The latest audit of each (camera, line), to show its accuracy beside the line's counts. */
function useLatestAudits(lines: ReportBody['lines']) {
  const key = lines.map((l) => `${l.camera}/${l.line}`).join(',');
  return useAsync(async () => {
    const out = new Map<string, AuditSummary>();
    for (const l of lines) {
      const r = await call<{ audits: AuditSummary[] }>(api.GET('/api/v1/audits', { params: { query: { camera: l.camera, line: l.line, limit: 1 } } }));
      if (r.audits[0]) out.set(`${l.camera}\u0000${l.line}`, r.audits[0]);
    }
    return out;
  }, [key]);
}

function Lines(props: { body: ReportBody }) {
  const { t, fmtNum, tc } = useI18n();
  const camName = useCameraName();
  const lines = props.body.lines;
  const audits = useLatestAudits(lines);
  if (lines.length === 0) return null;
  return (
    <Card title={t('report.lines')}>
      <DataTable testid="report-lines" head={[t('zones.line'), t('report.in'), t('report.out'), t('report.byClass'), t('audit.audited')]}>
        {lines.map((l) => (
          <tr key={l.camera + l.line} data-line={l.line}>
            <td>
              {l.name ?? l.line} <span class="muted small">{camName(l.camera)}</span>
            </td>
            <td>{l.in}</td>
            <td>{l.out}</td>
            <td class="muted">
              {Object.entries(l.by_class)
                .map(([c, v]) => `${tc(c)}: ${v.in}/${v.out}`)
                .join(', ')}
            </td>
            <td data-cell="audit-accuracy">
              {(() => {
                const a = audits.data?.get(`${l.camera}\u0000${l.line}`);
                return a ? <a href={link('audits', a.id)}>{pct(a.results.total.accuracy_pct, fmtNum)}</a> : <span class="muted">{t('audit.notAudited')}</span>;
              })()}
            </td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}

/** Coverage per camera and the timeline intervals below 95 % (missing in reports stored before coverage). */
function CoverageCard(props: { body: ReportBody }) {
  const { t, fmtNum, fmtTime } = useI18n();
  const cov = props.body.coverage ?? [];
  if (cov.length === 0) return null;
  const low = props.body.timeline.filter((r) => r.low_coverage);
  const share = (v: number | null) => (v === null ? '–' : `${fmtNum(v * 100, 1)} %`);
  return (
    <Card title={t('coverage.title')} testid="report-coverage">
      <p class="muted small">{t('coverage.explain')}</p>
      <DataTable testid="coverage-table" head={[t('coverage.camera'), t('coverage.coverage'), t('coverage.online'), t('coverage.frames'), '']}>
        {cov.map((c) => (
          <tr key={c.camera} data-camera={c.camera} data-flagged={String(c.flagged)}>
            <td>{c.camera}</td>
            <td data-cell="coverage">{share(c.coverage)}</td>
            <td>{share(c.online_share)}</td>
            <td>
              {c.frames} / {c.expected_frames ?? '–'}
            </td>
            <td>{c.flagged && <span class="badge status-offline">{t('coverage.low')}</span>}</td>
          </tr>
        ))}
      </DataTable>
      {low.length > 0 && (
        <>
          <h3>{t('coverage.lowIntervals')}</h3>
          <ul class="small" data-testid="coverage-low">
            {low.map((r) => (
              <li key={r.time}>
                {fmtTime(r.time)} · {share(r.coverage)}
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

/** One report: totals, timeline charts, zones with dwell, lines, heatmaps, and the CSV. */
export function ReportPage(props: { id: string }) {
  const { t, fmtTime, tc } = useI18n();
  const camName = useCameraName();
  const cams = useCameras();
  const withFrame = new Set((cams.data ?? []).filter((c) => c.lastFrameAt !== null).map((c) => c.id));
  const r = useAsync(() => call<Report>(api.GET('/api/v1/reports/{id}', { params: { path: { id: props.id } } })), [props.id]);
  const snaps = useSnapshots((r.data?.body.heatmaps ?? []).map((h) => h.camera).filter((c) => withFrame.has(c)));
  if (!r.data) return r.error ? <ErrorBox error={r.error} /> : <Loading />;
  const { body } = r.data;
  const views = new Map((cams.data ?? []).map((c) => [c.id, c]));
  const csv = href('/api/v1/reports/{file}', { path: { file: `${props.id}.csv` } });
  const entries = body.zones.reduce((a, z) => a + z.entries, 0);
  const crossIn = body.lines.reduce((a, l) => a + l.in, 0);
  const crossOut = body.lines.reduce((a, l) => a + l.out, 0);
  return (
    <div class="page" data-testid="report" data-report={props.id}>
      <div class="page-head">
        <a href={link('analytics')} class="back">
          ← {t('nav.analytics')}
        </a>
        <h1>
          {t('report.title')} · {t(`report.kind_${r.data.kind}`)}
        </h1>
        <a class="button" href={csv} download={`report-${props.id}.csv`} data-testid="csv-link">
          {t('report.csv')}
        </a>
      </div>
      <p class="muted">
        {fmtTime(body.from)} – {fmtTime(body.to)} · {body.cameras.map(camName).join(', ')} · {t('report.generatedAt', { at: fmtTime(body.generated_at) })}
      </p>
      <div class="kpis">
        <Kpi label={t('report.tracks')} value={body.tracks.total} testid="report-total" />
        {body.visitors !== undefined && <Kpi label={t('report.visitors')} value={body.visitors.total} testid="report-visitors" />}
        {Object.entries(body.tracks.by_class).map(([c, n]) => (
          <Kpi label={tc(c)} value={n} key={c} />
        ))}
        <Kpi label={t('report.entries')} value={entries} />
        {body.lines.length > 0 && <Kpi label={`${t('report.in')} / ${t('report.out')}`} value={`${crossIn} / ${crossOut}`} />}
      </div>
      <CoverageCard body={body} />
      {r.data.kind === 'session' && body.cameras[0]?.startsWith('session-') && <SessionVideo camera={body.cameras[0]} />}
      <Timeline body={body} />
      <Zones body={body} />
      <Lines body={body} />
      <ReportAnalytics body={body} />
      {body.heatmaps.length > 0 && (
        <Card title={t('report.heatmaps')}>
          <div class="heatmaps">
            {body.heatmaps.map((h) => (
              <figure key={h.camera} class="report-heatmap">
                <div class="heatmap-stage dark" style={{ aspectRatio: `${views.get(h.camera)?.width ?? 4} / ${views.get(h.camera)?.height ?? 3}` }}>
                  {snaps[h.camera] && <img src={snaps[h.camera]} alt="" />}
                  <HeatmapGrid width={h.width} height={h.height} values={h.values} max={h.max} />
                </div>
                <HeatmapLegend top={scaleOf(h.values, 'percentile').top} max={h.max} unit={t('heat.unitPresence')} scale="percentile" />
                <figcaption>{camName(h.camera)}</figcaption>
              </figure>
            ))}
          </div>
        </Card>
      )}
    </div>
  );
}
