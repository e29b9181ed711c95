import { useState } from 'preact/hooks';
import type { ComponentChild } from 'preact';
import type { CameraView, CountsData, LineConfig, ZoneConfig } from '../api/types';
import { api, call } from '../api/client';
import { Card, ErrorBox, Loading, StatusBadge, Tabs } from '../components/ui';
import { useAsync, useCameras, useModel } from '../data';
import { useI18n } from '../i18n/i18n';
import { useFormat } from '../format';
import { useLive } from '../live/live-socket';
import { LivePlayer } from '../player/live-player';
import { link, navigate, useRoute } from '../router';
import { CapacityGauge } from './capacity-gauge';
import { HeatmapPanel } from './heatmap-panel';
import { ZoneEditor } from './zone-editor';
import { Diagnostic } from '../components/diagnostic';

type Tab = 'live' | 'zones' | 'heatmap';

function Occupancy(props: { camera: CameraView; counts: CountsData | undefined; zones: ZoneConfig[]; crossings: Record<string, { in: number; out: number }>; lines: LineConfig[] }) {
  const { t, tc } = useI18n();
  const zones = props.counts?.zones ?? {};
  return (
    <Card title={t('cam.now')} testid="occupancy">
      <table class="table compact">
        <thead>
          <tr>
            <th>{t('zones.zone')}</th>
            <th>{t('cam.occupancy')}</th>
            <th>{t('cam.byClass')}</th>
          </tr>
        </thead>
        <tbody>
          {props.zones.map((z) => {
            const byClass = zones[z.id] ?? {};
            const total = Object.values(byClass).reduce((a, b) => a + b, 0);
            return (
              <tr key={z.id} data-zone={z.id}>
                <td>{z.name ?? z.id}</td>
                <td data-testid="zone-count">{props.counts ? total : '–'}</td>
                <td class="muted">{Object.entries(byClass).map(([c, n]) => `${tc(c)} ${n}`).join(', ')}</td>
              </tr>
            );
          })}
          {props.zones.length === 0 && (
            <tr>
              <td colSpan={3} class="muted">
                {t('zones.noneZones')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {props.lines.length > 0 && (
        <table class="table compact">
          <thead>
            <tr>
              <th>{t('zones.line')}</th>
              <th>{t('report.in')}</th>
              <th>{t('report.out')}</th>
            </tr>
          </thead>
          <tbody>
            {props.lines.map((l) => (
              <tr key={l.id} data-line={l.id}>
                <td>{l.name ?? l.id}</td>
                <td>{props.crossings[l.id]?.in ?? 0}</td>
                <td>{props.crossings[l.id]?.out ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.lines.length > 0 && <p class="muted small">{t('cam.crossingsSince')}</p>}
      <p class="muted small">
        {t('cam.tracks')}: <strong data-testid="active-tracks">{props.counts?.activeTracks ?? props.camera.activeTracks}</strong>
      </p>
    </Card>
  );
}

function Details(props: { camera: CameraView }) {
  const { t, fmtNum } = useI18n();
  const { fmtTime } = useFormat();
  const c = props.camera;
  const rows: Array<[string, ComponentChild]> = [
    [t('cam.source'), c.source],
    [t('cam.size'), c.width ? `${c.width}×${c.height}` : '–'],
    [t('cam.fps'), fmtNum(c.fps, 1)],
    [t('cam.inference'), c.inferenceMs === null ? '–' : t('unit.ms', { n: fmtNum(c.inferenceMs, 1) })],
    [t('cam.decoded'), fmtNum(c.framesDecoded)],
    [t('cam.inferred'), fmtNum(c.framesInferred)],
    [t('cam.dropped'), fmtNum(c.framesDropped)],
    [t('cam.reconnects'), fmtNum(c.reconnects)],
    [t('cam.lastFrame'), c.lastFrameAt ? fmtTime(c.lastFrameAt) : '–'],
    [t('cam.lastError'), c.lastError ? <Diagnostic code={c.lastErrorCode} params={c.lastErrorParams} detail={c.lastError} /> : '–'],
  ];
  return (
    <Card title={t('cam.details')}>
      <dl class="kv">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

/** One camera: live view with its zones and counts, the zone/line editor and the heatmap. */
export function CameraPage(props: { id: string }) {
  const { t, tc } = useI18n();
  const route = useRoute();
  const tab = (route.query.get('tab') as Tab | null) ?? 'live';
  const cams = useCameras();
  const model = useModel();
  const [counts, setCounts] = useState<CountsData>();
  const [crossings, setCrossings] = useState<Record<string, { in: number; out: number }>>({});
  const shapes = useAsync(async () => {
    const [z, l] = await Promise.all([
      call<{ zones: ZoneConfig[] }>(api.GET('/api/v1/cameras/{id}/zones', { params: { path: { id: props.id } } })),
      call<{ lines: LineConfig[] }>(api.GET('/api/v1/cameras/{id}/lines', { params: { path: { id: props.id } } })),
    ]);
    return { zones: z.zones, lines: l.lines };
  }, [props.id]);
  const [saved, setSaved] = useState<{ zones: ZoneConfig[]; lines: LineConfig[] }>();
  const current = saved ?? shapes.data;
  useLive<CountsData>(['counts'], [props.id], (m) => setCounts(m.data));
  useLive<{ line: string; direction: 'in' | 'out' }>(['line.cross'], [props.id], (m) =>
    setCrossings((c) => {
      const prev = c[m.data.line] ?? { in: 0, out: 0 };
      return { ...c, [m.data.line]: { ...prev, [m.data.direction]: prev[m.data.direction] + 1 } };
    }),
  );

  const camera = cams.data?.find((c) => c.id === props.id);
  if (!cams.data) return cams.error ? <ErrorBox error={cams.error} /> : <Loading />;
  if (!camera) return <ErrorBox error={t('cam.notFound', { id: props.id })} />;
  const setTab = (k: Tab) => navigate(`${link('cameras', props.id)}${k === 'live' ? '' : `?tab=${k}`}`);
  return (
    <div class="page">
      <div class="page-head">
        <a href={link('cameras')} class="back">
          ← {t('nav.cameras')}
        </a>
        <h1>
          {camera.name} <StatusBadge status={camera.status} />
        </h1>
        <a href={link('review', props.id)} data-testid="camera-review">
          {t('review.title')}
        </a>
        <Tabs<Tab>
          value={tab}
          onChange={setTab}
          tabs={[
            ['live', t('cam.live')],
            ['zones', t('cam.zonesTab')],
            ['heatmap', t('cam.heatmap')],
          ]}
        />
      </div>
      {tab === 'live' && (
        <div class="camera-live">
          <div class="camera-main" style={{ maxWidth: `calc((100vh - 150px) * ${(camera.width ?? 640) / (camera.height ?? 480)})` }}>
            <LivePlayer camera={camera} classes={model?.classes.map(tc)} zones={current?.zones} lines={current?.lines} />
          </div>
          <div class="camera-side">
            <Occupancy camera={camera} counts={counts} zones={current?.zones ?? []} lines={current?.lines ?? []} crossings={crossings} />
            <CapacityGauge counts={counts} />
            <Details camera={camera} />
          </div>
        </div>
      )}
      {tab === 'zones' && (
        <Card>
          <ZoneEditor camera={camera.id} width={camera.width ?? 640} height={camera.height ?? 480} hasFrame={camera.lastFrameAt !== null} onSaved={(zones, lines) => setSaved({ zones, lines })} />
          <Occupancy camera={camera} counts={counts} zones={current?.zones ?? []} lines={current?.lines ?? []} crossings={crossings} />
        </Card>
      )}
      {tab === 'heatmap' && (
        <Card>
          <HeatmapPanel camera={camera.id} width={camera.width ?? 640} height={camera.height ?? 480} />
        </Card>
      )}
    </div>
  );
}
