import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useI18n } from '../i18n/i18n';

export interface ChartSeries {
  label: string;
  color: string;
  values: Array<number | null>;
  /** Draw as bars instead of a line. */
  bars?: boolean;
}

const RU_NAMES = {
  MMMM: ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'],
  MMM: ['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'],
  WWWW: ['воскресенье', 'понедельник', 'вторник', 'среда', 'четверг', 'пятница', 'суббота'],
  WWW: ['вс', 'пн', 'вт', 'ср', 'чт', 'пт', 'сб'],
};

/** A uPlot time-series chart that follows its container's width. `x` is unix seconds. */
export function Chart(props: { x: number[]; series: ChartSeries[]; height?: number; testid?: string; /** x range (unix s); default: the data's. */ range?: [number, number] }) {
  const ref = useRef<HTMLDivElement>(null);
  const { lang } = useI18n();
  const height = props.height ?? 220;
  const range = props.range;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      ...(lang === 'ru' ? { fmtDate: (tpl: string) => uPlot.fmtDate(tpl, RU_NAMES) } : {}),
      scales: { x: { time: true, ...(range ? { range: (): uPlot.Range.MinMax => range } : {}) }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: s.bars ? `${s.color}99` : undefined,
          // A few buckets are easier to read as points.
          points: { show: !s.bars && props.x.length < 30, size: 6 },
          ...(s.bars && bars ? { paths: bars, points: { show: false } } : {}),
        })),
      ],
      axes: [{}, { size: 48 }],
      legend: { live: true },
    };
    const u = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
  }, [props.x, props.series, height, lang, range?.[0], range?.[1]]);
  return <div class="chart" ref={ref} data-testid={props.testid} />;
}
