import type { AnalyticEngine } from './engine.js';
import { heatmapsEngine } from './heatmaps.js';
import { minuteCountsEngine } from './minute-counts.js';
import { occupancyEngine } from './occupancy.js';
import { queuesEngine } from './queues.js';
import { speedEngine } from './speed.js';
import { zonesEngine } from './zones.js';

export type { AnalyticEngine, CameraEngine, EngineFrame, EngineSetup, EngineShapes } from './engine.js';

/**
 * The analytic engines every camera and session runs, in this order (an engine sees the events of
 * the ones before it). A new analytic: one file in this folder, one line here.
 */
const ENGINES: AnalyticEngine[] = [
  zonesEngine,
  heatmapsEngine,
  minuteCountsEngine,
  // Queues, occupancy and speed (issue 18): after the zones, whose events they read.
  queuesEngine,
  occupancyEngine,
  speedEngine,
];

export function analyticEngines(): readonly AnalyticEngine[] {
  return ENGINES;
}

/** Adds an engine after the built-in ones (a plug-in, or a test's toy analytic); names are unique. */
export function registerEngine(engine: AnalyticEngine): () => void {
  if (ENGINES.some((e) => e.name === engine.name)) throw new Error(`analytic engine "${engine.name}" is already registered`);
  ENGINES.push(engine);
  return () => {
    const i = ENGINES.indexOf(engine);
    if (i >= 0) ENGINES.splice(i, 1);
  };
}
