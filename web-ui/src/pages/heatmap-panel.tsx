import { useEffect, useState } from 'preact/hooks';
import { href } from '../api/client';
import { presetRange, RangePicker, type TimeRange } from '../components/range-picker';
import { Field, valueOf, ClassSelect } from '../components/ui';
import { useModel } from '../data';
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
    query: { from: range.from, to: range.to, kind, class: cls || undefined, opacity: shownOpacity },
  });
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
      <div class="legend">
        <span>{t('heat.low')}</span>
        <span class="legend-bar" />
        <span>{t('heat.high')}</span>
      </div>
    </div>
  );
}
