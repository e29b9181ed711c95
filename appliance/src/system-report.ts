import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CameraView } from './camera-runtime.js';
import type { DiskState } from './store/disk-guard.js';
import { VERSION } from './version.js';

/** What GET /api/v1/system, the live `system.stats` topic and MQTT `stats` read from the running appliance. */
export interface SystemSources {
  /** The database file (its folder's free space is reported); ':memory:' has none. */
  storagePath: string;
  disk(): DiskState | undefined;
  live(): { clients: number; dropped: number };
  /** The outbox, Telegram and alert figures. */
  upstream(): Record<string, unknown>;
  liveVideo(): unknown;
  cameras(): CameraView[];
  /** The models loaded (one per manifest, shared by the cameras naming it). */
  models?(): Array<{ name: string; manifest: string; provider: string }>;
}

/** Version, uptime, CPU, memory, disk, live clients, upstream and per-camera health. */
export async function systemReport(s: SystemSources): Promise<Record<string, unknown>> {
  const mem = process.memoryUsage();
  let disk: { total_mb: number; free_mb: number } | null = null;
  try {
    const st = await statfs(dirname(s.storagePath));
    disk = { total_mb: Math.round((st.blocks * st.bsize) / 2 ** 20), free_mb: Math.round((st.bavail * st.bsize) / 2 ** 20) };
  } catch {
    // an in-memory database has no folder
  }
  const guard = s.disk();
  const live = s.live();
  return {
    version: VERSION,
    uptime_seconds: Math.round(process.uptime()),
    cpu: { cores: cpus().length, load: loadavg() },
    memory: { rss_mb: Math.round(mem.rss / 2 ** 20), heap_mb: Math.round(mem.heapUsed / 2 ** 20), system_free_mb: Math.round(freemem() / 2 ** 20), system_total_mb: Math.round(totalmem() / 2 ** 20) },
    disk: disk && guard ? { ...disk, low: !guard.ok, min_free_mb: guard.min_free_mb, low_since: guard.low_since, reclaimed_rows: guard.reclaimed_rows, last_reclaim_at: guard.last_reclaim_at, recordings_mb: guard.recordings_mb } : disk,
    live_events: { clients: live.clients, dropped_slow: live.dropped },
    ...s.upstream(),
    live_video: s.liveVideo(),
    cameras: s.cameras().map((v) => ({
      id: v.id,
      status: v.status,
      fps: v.fps,
      frames_dropped: v.framesDropped,
      inference_ms: v.inferenceMs,
      active_tracks: v.activeTracks,
      model: v.model,
      input: v.inputWidth === null ? null : `${v.inputWidth}x${v.inputHeight}`,
      frames_idle_skipped: v.framesIdleSkipped,
    })),
    detection: { ...detectionSummary(s.cameras()), models_loaded: s.models?.() ?? [] },
  };
}

/**
 * Inference over all cameras: frames run through a detector, frames the adaptive rate saved (empty,
 * still scenes) and their share of what would otherwise have run, and which camera runs which model.
 */
function detectionSummary(cameras: readonly CameraView[]): Record<string, unknown> {
  const inferred = cameras.reduce((n, v) => n + v.framesInferred, 0);
  const saved = cameras.reduce((n, v) => n + v.framesIdleSkipped, 0);
  const models: Record<string, string[]> = {};
  for (const v of cameras) if (v.model) (models[v.model] ??= []).push(v.id);
  return {
    frames_inferred: inferred,
    frames_idle_skipped: saved,
    saved_share: inferred + saved ? Math.round((saved / (inferred + saved)) * 1000) / 1000 : 0,
    models: Object.entries(models).map(([name, ids]) => ({ name, cameras: ids })),
  };
}
