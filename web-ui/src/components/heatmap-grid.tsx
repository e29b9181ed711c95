import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';

/** 'turbo' (Google, Apache-2.0) at v = k/32 — the same stops the daemon's PNG renderer uses. */
const TURBO = [
  48, 18, 59, 57, 42, 115, 64, 64, 162, 68, 86, 199, 70, 107, 227, 70, 128, 246, 66, 147, 255, 55, 167, 250, 41, 187, 236, 29, 204, 217, 24, 220, 195, 30, 232, 176, 49, 242, 153, 76, 249,
  126, 107, 254, 100, 138, 255, 76, 163, 253, 61, 184, 247, 53, 204, 237, 52, 222, 224, 55, 237, 208, 58, 247, 192, 58, 253, 173, 53, 254, 152, 44, 251, 128, 34, 245, 104, 24, 236, 82, 15,
  225, 65, 9, 210, 49, 5, 193, 35, 2, 172, 23, 1, 149, 13, 1, 122, 4, 3,
];

export function turbo(v: number): [number, number, number] {
  const segs = TURBO.length / 3 - 1;
  const x = Math.max(0, Math.min(1, v)) * segs;
  const k = Math.min(segs - 1, Math.floor(x));
  const f = x - k;
  const c = (i: number) => Math.round(TURBO[3 * k + i]! + (TURBO[3 * (k + 1) + i]! - TURBO[3 * k + i]!) * f);
  return [c(0), c(1), c(2)];
}

export type HeatmapScale = 'percentile' | 'log' | 'linear';

/**
 * The top of the colour scale and the map to 0..1, as the daemon's renderer (analytics/heatmap-render
 * heatmapScale): the 95th percentile of the non-empty cells by default, else the maximum (log or linear).
 */
export function scaleOf(values: readonly number[], scale: HeatmapScale): { top: number; norm(v: number): number } {
  const nonEmpty = values.filter((v) => v > 0).sort((a, b) => a - b);
  const max = nonEmpty[nonEmpty.length - 1] ?? 0;
  const top = scale === 'percentile' && nonEmpty.length ? nonEmpty[Math.min(nonEmpty.length - 1, Math.ceil(0.95 * nonEmpty.length) - 1)]! : max;
  const clamp = (x: number) => Math.max(0, Math.min(1, x));
  if (!(top > 0)) return { top: 0, norm: () => 0 };
  return scale === 'log' ? { top, norm: (v) => clamp(Math.log1p(Math.max(0, v)) / Math.log1p(top)) } : { top, norm: (v) => clamp(v / top) };
}

/** The colour bar with numbers: 0 at the left, the scale's top (and "or more" when hotter cells saturate) at the right, in `unit`. */
export function HeatmapLegend(props: { top: number; max: number; unit: string; scale: HeatmapScale; testid?: string }) {
  const { t, fmtNum } = useI18n();
  const digits = props.top < 10 ? 1 : 0;
  return (
    <div class="legend" data-testid={props.testid}>
      <span>0</span>
      <span class={props.scale === 'log' ? 'legend-bar log' : 'legend-bar'} />
      <span data-testid="legend-top">{props.top < props.max ? t('heat.orMore', { n: fmtNum(props.top, digits) }) : fmtNum(props.top, digits)}</span>
      <span class="muted">{props.unit}</span>
    </div>
  );
}

/**
 * A heatmap grid (row-major values, as in reports) drawn with the turbo colour map, alpha = √v like
 * the daemon's PNG, smoothly scaled to its box; put it over an image to see where.
 */
export function HeatmapGrid(props: { width: number; height: number; values: number[]; max: number; opacity?: number; scale?: HeatmapScale }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    c.width = props.width;
    c.height = props.height;
    const ctx = c.getContext('2d')!;
    const img = ctx.createImageData(props.width, props.height);
    const op = props.opacity ?? 0.7;
    const { norm } = scaleOf(props.values, props.scale ?? 'percentile');
    for (let i = 0; i < props.values.length; i++) {
      const v = norm(props.values[i] ?? 0);
      const [r, g, b] = turbo(v);
      img.data.set([r, g, b, v > 0 ? Math.round(255 * op * Math.sqrt(v)) : 0], i * 4);
    }
    ctx.putImageData(img, 0, 0);
  }, [props.width, props.height, props.values, props.max, props.opacity, props.scale]);
  return <canvas class="heatmap-grid" ref={ref} />;
}
