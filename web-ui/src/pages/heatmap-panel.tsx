import { useEffect, useState } from 'preact/hooks';
import { api, call, href } from '../api/client';
import { HeatmapLegend, type HeatmapScale } from '../components/heatmap-grid';
import { presetRange, RangePicker, type TimeRange } from '../components/range-picker';
import { Field, valueOf, ClassSelect } from '../components/ui';
import { useAsync, useModel } from '../data';
import { useI18n } from '../i18n/i18n';

/**
 * The camera's heatmap drawn by the daemon over its snapshot: time range, presence or traffic, one
 * class or all, and the opacity of the colours.
 */
export function HeatmapPanel(props: { camera: string; width: number; height: number }) {
  const { t } = useI18n();
  const model = useModel();
  const [range, setRange] = useState<TimeRange>(() => presetRange('24h'));
  const [kind, setKind] = useState<'presence' | 'traffic'>('presence');
  const [cls, setCls] = useState('');
  const [scale, setScale] = useState<HeatmapScale>('percentile');
  const [opacity, setOpacity] = useState(0.6);
  // The slider moves continuously; ask for a new picture once it rests.
  const [shownOpacity, setShownOpacity] = useState(opacity);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    const tm = setTimeout(() => setShownOpacity(opacity), 200);
    return () => clearTimeout(tm);
  }, [opacity]);
  const src = href('/api/v1/cameras/{id}/heatmap.png', {
    path: { id: props.camera },
    query: { from: range.from, to: range.to, kind, class: cls || undefined, opacity: shownOpacity, scale },
  });
  // The numbers behind the picture, for the legend: the top of the colour scale and the maximum.
  const stats = useAsync(
    () => call<{ max: number; percentile_95: number }>(api.GET('/api/v1/cameras/{id}/heatmap', { params: { path: { id: props.camera }, query: { from: range.from, to: range.to, kind, class: cls || undefined } } })),
    [props.camera, range.from, range.to, kind, cls],
  );
  useEffect(() => setLoading(true), [src]);
  return (
    <div class="heatmap-panel">
      <div class="controls">
        <RangePicker value={range} onChange={setRange} presets={['1h', '24h', '7d', 'custom']} />
        <div class="segmented" role="group" aria-label={t('heat.kind')}>
          {(['presence', 'traffic'] as const).map((k) => (
            <button type="button" key={k} class={kind === k ? 'active' : ''} aria-pressed={kind === k} onClick={() => setKind(k)} data-testid={`heat-${k}`}>
              {t(`heat.${k}`)}
            </button>
          ))}
        </div>
        <Field label={t('heat.class')}>
          <ClassSelect value={cls} classes={model?.classes} allLabel={t('common.allClasses')} onChange={setCls} testid="heat-class" />
        </Field>
        <Field label={t('heat.scale')}>
          <select value={scale} onChange={(e) => setScale(valueOf(e) as HeatmapScale)} data-testid="heat-scale">
            {(['percentile', 'log', 'linear'] as const).map((x) => (
              <option value={x} key={x}>
                {t(`heat.scale_${x}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={`${t('heat.opacity')} ${Math.round(opacity * 100)}%`}>
          <input type="range" min="0" max="1" step="0.05" value={opacity} onInput={(e) => setOpacity(Number(valueOf(e)))} data-testid="heat-opacity" />
        </Field>
        {/* A preset range ends now: asking again takes in what was recorded since. */}
        <button type="button" disabled={range.preset === 'custom'} onClick={() => setRange(presetRange(range.preset))}>
          {t('common.refresh')}
        </button>
      </div>
      <p class="muted small">{kind === 'presence' ? t('heat.presenceHint') : t('heat.trafficHint')}</p>
      <div class={loading ? 'heatmap-stage loading' : 'heatmap-stage'} style={{ aspectRatio: `${props.width} / ${props.height}`, maxWidth: `min(960px, calc((100vh - 260px) * ${props.width / props.height}))` }}>
        <img src={src} alt={t('heat.alt')} data-testid="heatmap-img" data-src-opacity={shownOpacity} onLoad={() => setLoading(false)} onError={() => setLoading(false)} />
      </div>
      {stats.data && <HeatmapLegend top={scale === 'percentile' ? stats.data.percentile_95 : stats.data.max} max={stats.data.max} unit={t(kind === 'presence' ? 'heat.unitPresence' : 'heat.unitTraffic')} scale={scale} testid="heat-legend" />}
    </div>
  );
}
