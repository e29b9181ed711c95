/**
 * Zone accuracy: the appliance's zone logic (ZoneEngine) run over a set of tracks given frame by
 * frame — the tracker's output, or the ground truth's boxes — and compared per zone: the number of
 * entries (accuracy 1 − Σ|error| / Σ true entries, as for lines) and the visits' dwell.
 */
import { countAccuracy, replayFrames, type CountFrame } from './count-eval.js';
import type { ZoneDef, ZoneEngineOptions } from './zone-engine.js';

/**
 * The fixed zones of bench-mot, chosen by the picture alone like FIXED_LINES: the four quadrants
 * (split at 50 %) and the central bands between 30 % and 70 %, across and down.
 */
export const FIXED_ZONES: readonly ZoneDef[] = Object.freeze([
  rect('q-tl', 0, 0, 0.5, 0.5),
  rect('q-tr', 0.5, 0, 1, 0.5),
  rect('q-bl', 0, 0.5, 0.5, 1),
  rect('q-br', 0.5, 0.5, 1, 1),
  rect('band-h', 0, 0.3, 1, 0.7),
  rect('band-v', 0.3, 0, 0.7, 1),
]);

function rect(id: string, x1: number, y1: number, x2: number, y2: number): ZoneDef {
  return { id, points: [[x1, y1], [x2, y1], [x2, y2], [x1, y2]] };
}

export interface ZoneVisits {
  /** zone → entries counted. */
  entries: Map<string, number>;
  /** zone → dwell seconds of each closed visit. */
  dwells: Map<string, number[]>;
}

/** Runs the zone engine's zone logic over `frames` (boxes in pixels of a width × height picture). */
export function countVisits(
  frames: readonly CountFrame[],
  zones: readonly ZoneDef[],
  width: number,
  height: number,
  opts: Partial<ZoneEngineOptions> = {},
): ZoneVisits {
  const entries = new Map<string, number>(zones.map((z) => [z.id, 0]));
  const dwells = new Map<string, number[]>(zones.map((z) => [z.id, []]));
  replayFrames(frames, zones, [], width, height, opts, (e) => {
    if (e.type === 'zone.enter') entries.set(e.zone, entries.get(e.zone)! + 1);
    if (e.type === 'zone.exit') dwells.get(e.zone)!.push(e.dwellSeconds);
  });
  return { entries, dwells };
}

export interface VisitComparison {
  /** Σ over zones of |entries counted − true entries|. */
  entryError: number;
  entryTruth: number;
  /** 100 × (1 − entryError / entryTruth), floored at 0. */
  entryAccuracy: number;
  /**
   * Visit dwell error %: 100 × Σ |mean visit dwell counted − true| / Σ true mean visit dwell, over the
   * zones with true visits (a zone with none counted errs by its whole true mean). Spurious short
   * visits and visits split in two shorten the mean; missed ones lengthen or empty it.
   */
  dwellError: number;
  /** Person-seconds inside, counted and true, over all zones. */
  dwellSeconds: number;
  dwellTruthSeconds: number;
}

export function compareVisits(counted: ZoneVisits, truth: ZoneVisits): VisitComparison {
  let entryError = 0;
  let entryTruth = 0;
  let meanErr = 0;
  let meanTruth = 0;
  let dwellSeconds = 0;
  let dwellTruthSeconds = 0;
  for (const [zone, n] of truth.entries) {
    entryError += Math.abs((counted.entries.get(zone) ?? 0) - n);
    entryTruth += n;
    const t = truth.dwells.get(zone) ?? [];
    const c = counted.dwells.get(zone) ?? [];
    dwellSeconds += sum(c);
    dwellTruthSeconds += sum(t);
    if (t.length === 0) continue;
    const mt = sum(t) / t.length;
    meanTruth += mt;
    meanErr += Math.abs((c.length > 0 ? sum(c) / c.length : 0) - mt);
  }
  return {
    entryError,
    entryTruth,
    entryAccuracy: countAccuracy(entryError, entryTruth),
    dwellError: meanTruth > 0 ? (100 * meanErr) / meanTruth : 0,
    dwellSeconds,
    dwellTruthSeconds,
  };
}

function sum(v: readonly number[]): number {
  return v.reduce((s, x) => s + x, 0);
}
