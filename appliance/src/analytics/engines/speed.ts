import type { CameraConfig } from '../../config/schema.js';
import { homographyFromPoints, project } from '../../math/homography.js';
import { pointInPolygon } from '../../math/geometry.js';
import { minuteRow, type MinuteRow } from '../../store/analytics-store.js';
import type { AnalyticEngine, ReportContext } from './engine.js';

/**
 * Speeds in m/s (cameras with a `speed` calibration): each track's foot point is put on the ground
 * (the 4-point homography, or the known-length scale), and its speed is measured over consecutive
 * windows of `window_seconds` of track time (straight-line ground distance / time, so box jitter
 * averages out). Each window is one sample of the zones its foot point ends in and of the whole view
 * (`*`). Stored per minute as `counts_minute` rows of kind `speed`, target = zone (or `*`), class =
 * `<class>#<bin>` with visits = samples, bins 2% wide (so percentiles read back within 1%). Live: per
 * zone and class, the fastest sample of the last two windows (`mps`, `track`: the speeding rule's
 * input; 0 and -1 when none) and the percentiles of the samples of the last LIVE_WINDOW_SECONDS
 * (`samples`, `p50_mps`, `p85_mps`, `p95_mps`, `max_mps`: the MQTT speed topics).
 */
/** Live percentiles are over the samples of this many seconds. */
export const LIVE_WINDOW_SECONDS = 60;

/** A zone's and class's live speed (see the engine's comment). */
export interface SpeedLive {
  mps: number;
  track: number;
  samples: number;
  p50_mps: number;
  p85_mps: number;
  p95_mps: number;
  max_mps: number;
}

export const speedEngine: AnalyticEngine = {
  name: 'speed',
  create({ cameraId, shapes }) {
    const cal = shapes.speed;
    if (!cal) return undefined;
    const toGround = groundMap(cal);
    if (!toGround) return undefined;
    const window = cal.window_seconds;
    const tracks = new Map<number, { t: number; x: number; y: number }>();
    const hist = new Map<string, MinuteRow>();
    let latest: Array<{ zone: string; cls: string; mps: number; track: number; t: number }> = [];
    let lastT = 0;
    const add = (zone: string, cls: string, mps: number, t: number, track: number) => {
      const minute = Math.floor(t / 60);
      const b = bin(mps);
      const k = `${minute}|${zone}|${cls}|${b}`;
      let r = hist.get(k);
      if (!r) hist.set(k, (r = minuteRow({ camera_id: cameraId, minute, kind: 'speed', target: zone, class_name: `${cls}#${b}` })));
      r.visits++;
      r.dwell_sum += mps;
      latest.push({ zone, cls, mps, track, t });
    };
    return {
      frame: (f) => {
        lastT = f.t;
        latest = latest.filter((s) => f.t - s.t <= LIVE_WINDOW_SECONDS);
        for (const p of f.points) {
          const [gx, gy] = toGround(p.x, p.y, f.width, f.height);
          if (!Number.isFinite(gx) || !Number.isFinite(gy)) continue;
          const start = tracks.get(p.id);
          if (!start) {
            tracks.set(p.id, { t: f.t, x: gx, y: gy });
            continue;
          }
          const dt = f.t - start.t;
          if (dt < window) continue;
          const mps = Math.hypot(gx - start.x, gy - start.y) / dt;
          tracks.set(p.id, { t: f.t, x: gx, y: gy });
          add('*', p.className, mps, f.t, p.id);
          for (const z of shapes.zones) if (pointInPolygon([p.x, p.y], z.points)) add(z.id, p.className, mps, f.t, p.id);
        }
      },
      trackEnd: (id) => {
        tracks.delete(id);
      },
      close: () => tracks.clear(),
      live: () => {
        const groups = new Map<string, { zone: string; cls: string; speeds: number[]; fastest: { mps: number; track: number } }>();
        for (const s of latest) {
          if (lastT - s.t > LIVE_WINDOW_SECONDS) continue;
          const k = `${s.zone}|${s.cls}`;
          let g = groups.get(k);
          if (!g) groups.set(k, (g = { zone: s.zone, cls: s.cls, speeds: [], fastest: { mps: 0, track: -1 } }));
          g.speeds.push(s.mps);
          if (lastT - s.t <= 2 * window && s.mps > g.fastest.mps) g.fastest = { mps: s.mps, track: s.track };
        }
        const out: Record<string, Record<string, SpeedLive>> = {};
        for (const g of groups.values()) {
          const sorted = g.speeds.sort((a, b) => a - b);
          // Nearest rank: the smallest sample with at least p of the samples at or below it.
          const pct = (p: number) => r2(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!);
          (out[g.zone] ??= {})[g.cls] = { mps: r2(g.fastest.mps), track: g.fastest.track, samples: sorted.length, p50_mps: pct(0.5), p85_mps: pct(0.85), p95_mps: pct(0.95), max_mps: r2(sorted.at(-1)!) };
        }
        return out;
      },
      drainMinutes: (before) => {
        const rows: MinuteRow[] = [];
        for (const [k, r] of hist) {
          if (before !== undefined && r.minute >= before) continue;
          hist.delete(k);
          rows.push(r);
        }
        return rows;
      },
    };
  },
  report: speedReport,
};

/** Image point (normalised) → ground metres, per the calibration; undefined when it is degenerate. */
export function groundMap(cal: NonNullable<CameraConfig['speed']>): ((x: number, y: number, width: number, height: number) => [number, number]) | undefined {
  if (cal.image_points && cal.ground_points) {
    const h = homographyFromPoints(cal.image_points, cal.ground_points);
    return h ? (x, y) => project(h, x, y) : undefined;
  }
  const ref = cal.reference;
  if (!ref) return undefined;
  const [[ax, ay], [bx, by]] = ref.points;
  return (x, y, w, h) => {
    const s = ref.metres / Math.hypot((bx - ax) * w, (by - ay) * h);
    return [x * w * s, y * h * s];
  };
}

const BIN_BASE = 0.05;
const BIN_RATIO = 1.02;

/** Histogram bin of a speed: 0 below 0.05 m/s, then bins 2% wide. */
export function bin(mps: number): number {
  return mps < BIN_BASE ? 0 : 1 + Math.floor(Math.log(mps / BIN_BASE) / Math.log(BIN_RATIO));
}

/** The speed a bin stands for (its geometric middle). */
export function binSpeed(b: number): number {
  return b <= 0 ? 0 : BIN_BASE * BIN_RATIO ** (b - 0.5);
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** `analytics.speed` of a report (`name`: the zone's display name, '*' for the whole view; absent from reports stored before). */
export interface SpeedSection {
  zones: Array<{ camera: string; zone: string; name?: string; class: string; samples: number; mean_mps: number; p50_mps: number; p85_mps: number; p95_mps: number; max_mps: number }>;
}

/** `analytics.speed`: per camera, zone (`*` = the whole view) and class: samples, mean, p50, p85, p95 and max in m/s. */
export function speedReport(rows: MinuteRow[], ctx?: ReportContext): SpeedSection | undefined {
  if (!rows.length) return undefined;
  const groups = new Map<string, { camera: string; zone: string; cls: string; bins: Map<number, number>; sum: number; n: number }>();
  for (const r of rows) {
    const i = r.class_name.lastIndexOf('#');
    if (i < 0) continue;
    const cls = r.class_name.slice(0, i);
    const b = Number(r.class_name.slice(i + 1));
    const k = `${r.camera_id}|${r.target}|${cls}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { camera: r.camera_id, zone: r.target, cls, bins: new Map(), sum: 0, n: 0 }));
    g.bins.set(b, (g.bins.get(b) ?? 0) + r.visits);
    g.sum += r.dwell_sum;
    g.n += r.visits;
  }
  return {
    zones: [...groups.values()].map((g) => {
      const sorted = [...g.bins.entries()].sort((a, b) => a[0] - b[0]);
      const pct = (p: number) => {
        const want = p * g.n;
        let seen = 0;
        for (const [b, n] of sorted) {
          seen += n;
          if (seen >= want) return r2(binSpeed(b));
        }
        return r2(binSpeed(sorted.at(-1)?.[0] ?? 0));
      };
      return { camera: g.camera, zone: g.zone, name: g.zone === '*' ? '*' : (ctx?.zoneName(g.camera, g.zone) ?? g.zone), class: g.cls, samples: g.n, mean_mps: g.n ? r2(g.sum / g.n) : 0, p50_mps: pct(0.5), p85_mps: pct(0.85), p95_mps: pct(0.95), max_mps: pct(1) };
    }),
  };
}
