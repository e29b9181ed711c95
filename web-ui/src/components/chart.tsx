import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useI18n } from '../i18n/i18n';
import { useSiteTimeZone } from '../site';

export interface ChartSeries {
  label: string;
  color: string;
  values: Array<number | null>;
  /** Draw as bars instead of steps; bar series of one chart stand side by side (grouped), never over each other. */
  bars?: boolean;
  /** Show the series' total beside its label (counts over the range); false for levels such as occupancy peaks. */
  total?: boolean;
}

/** The locale's wording of a number for the legend. */
const fmtTotal = (n: number, locale: string) => n.toLocaleString(locale, { maximumFractionDigits: 1 });

/**
 * A uPlot chart of buckets that follows its container's width. `x` is unix seconds, each value the
 * bucket starting there (drawn as steps or grouped bars, not ramps between bucket starts). The legend
 * names every series with its total (never "--" until hovered); times are written in the page's
 * locale and the site's time zone; `yLabel` names the unit of the y axis.
 */
export function Chart(props: { x: number[]; series: ChartSeries[]; height?: number; testid?: string; /** x range (unix s); default: the data's. */ range?: [number, number]; yLabel?: string; /** Issue 19 (h19sess): x is not a clock (seconds into a video): its labels, and the axis's name. */ xAxis?: { format: (v: number) => string; label: string; /** Ticks at multiples of this (a bucket). */ step?: number } }) {
  const ref = useRef<HTMLDivElement>(null);
  const { lang, t } = useI18n();
  const tz = useSiteTimeZone();
  const height = props.height ?? 220;
  const range = props.range;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
    const span = (range ? range[1] - range[0] : (props.x[props.x.length - 1] ?? 0) - (props.x[0] ?? 0)) || 1;
    const fmt = new Intl.DateTimeFormat(locale, {
      ...(tz ? { timeZone: tz } : {}),
      ...(span > 2 * 86_400 ? { day: '2-digit', month: 'short' } : {}),
      ...(span <= 7 * 86_400 ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    });
    const full = new Intl.DateTimeFormat(locale, { ...(tz ? { timeZone: tz } : {}), dateStyle: 'short', timeStyle: 'short' });
    const nBars = props.series.filter((s) => s.bars).length;
    let barIndex = 0;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      scales: { x: { time: !props.xAxis, ...(range ? { range: (): uPlot.Range.MinMax => range } : {}) }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
      series: [
        { value: (_u, v) => (v === null ? '' : props.xAxis ? props.xAxis.format(v) : full.format(v * 1000)) },
        ...props.series.map((s) => {
          const total = s.values.reduce<number>((a, v) => a + (v ?? 0), 0);
          const label = s.total === false ? s.label : `${s.label}: ${fmtTotal(total, locale)}`;
          // Grouped bars: each bar series takes its own slot of the bucket (left to right in series order);
          // other series are steps over their bucket.
          const paths = s.bars ? groupedBars(barIndex++, nBars) : uPlot.paths.stepped?.({ align: 1 });
          return {
            label,
            stroke: s.color,
            width: 2,
            fill: s.bars ? `${s.color}cc` : undefined,
            points: { show: false },
            ...(paths ? { paths } : {}),
            value: (_u: uPlot, v: number | null) => (v === null ? '' : fmtTotal(v, locale)),
          };
        }),
      ],
      axes: [
        { ...(props.xAxis?.step ? { incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600].map((k) => k * props.xAxis!.step!) } : {}), values: (_u, splits) => splits.map((v) => (props.xAxis ? props.xAxis.format(v) : fmt.format(v * 1000))), label: props.xAxis?.label ?? (tz ? t('chart.timeIn', { tz }) : t('chart.time')), labelSize: 18, labelFont: '12px system-ui', font: '11px system-ui' },
        { size: 52, label: props.yLabel, labelSize: props.yLabel ? 18 : 0, labelFont: '12px system-ui', font: '11px system-ui', values: (_u, splits) => splits.map((v) => fmtTotal(v, locale)) },
      ],
      legend: { live: false },
    };
    const u = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
  }, [props.x, props.series, height, lang, tz, props.yLabel, range?.[0], range?.[1], props.xAxis]);
  return <div class="chart" ref={ref} data-testid={props.testid} />;
}

/**
 * Bars of series `slot` of `n` side by side inside each bucket: the bucket (the distance to the next
 * x) is split into n slots with a small gap, so In and Out stand next to each other.
 */
function groupedBars(slot: number, n: number): uPlot.Series.PathBuilder {
  return (u, seriesIdx, idx0, idx1) => {
    const xs = u.data[0];
    const ys = u.data[seriesIdx]!;
    const path = new Path2D();
    const step = xs.length > 1 ? xs[1]! - xs[0]! : 60;
    const y0 = u.valToPos(0, 'y', true);
    for (let i = idx0; i <= idx1; i++) {
      const v = ys[i];
      if (v === null || v === undefined || v === 0) continue;
      const left = u.valToPos(xs[i]!, 'x', true);
      const right = u.valToPos(xs[i]! + step, 'x', true);
      const w = (right - left) * 0.85;
      const slotW = w / n;
      const x = left + (right - left) * 0.075 + slot * slotW;
      const y = u.valToPos(v, 'y', true);
      path.rect(x, Math.min(y, y0), Math.max(1, slotW - 1), Math.abs(y0 - y));
    }
    return { stroke: path, fill: path };
  };
}
