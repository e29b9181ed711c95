import { existsSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { mediaDuration, runTool } from '../sources/ffmpeg.js';
import { buildRepairArgs } from '../sources/record-args.js';
import type { RecordingIndex, SegmentRow } from '../store/recording-index.js';

const DAY_MS = 86_400_000;
/** Analytic events reach the database within a few seconds (the flusher's 5 s and a margin). */
export const EVENT_LAG_MS = 15_000;
/** Clips kept in the cache this long after they were made. */
const CLIP_CACHE_MS = 3_600_000;
/** Per check while the disk is low: this share of every camera's recorded bytes goes (oldest first). */
const RECLAIM_SHARE = 0.05;
const SEGMENT_FILE = /^(\d+)-(\d+)\.ts$/;
export const CLIP_DIR = '.clips';

/**
 * The recordings folder and its index kept in agreement: start-up repair, retention by days and by a
 * share of the disk (oldest first, segments an event, alert or audit claims last), events-mode pruning,
 * and making room when the disk runs low. A row is always deleted before its file, and a file is
 * indexed only once complete, so the index never points at a missing file.
 */
export class RecordingStorage {
  constructor(
    readonly root: string,
    private readonly index: RecordingIndex,
    /** A camera's record settings (defaults for one no longer configured). */
    private readonly settings: (camera: string) => RecordConfig,
    private readonly log: Logger,
  ) {}

  /**
   * Before any recorder starts: rows whose file is gone are removed; segment files the index does not
   * know (the one being written at a crash or power cut) are remuxed and indexed when they hold video,
   * else deleted; temporary files and the clip cache are cleared.
   */
  async repair(): Promise<{ removedRows: number; indexed: number; deleted: number }> {
    const out = { removedRows: 0, indexed: 0, deleted: 0 };
    const known = new Set<string>();
    const gone: number[] = [];
    for (const row of this.index.all()) {
      if (existsSync(join(this.root, row.path))) known.add(row.path);
      else gone.push(row.id);
    }
    this.index.remove(gone);
    out.removedRows = gone.length;
    await rm(join(this.root, CLIP_DIR), { recursive: true, force: true });
    if (!existsSync(this.root)) return out;
    for (const camera of readdirSync(this.root, { withFileTypes: true })) {
      if (!camera.isDirectory() || camera.name.startsWith('.')) continue;
      for (const name of readdirSync(join(this.root, camera.name))) {
        const rel = `${camera.name}/${name}`;
        if (known.has(rel)) continue;
        const file = join(this.root, rel);
        const m = SEGMENT_FILE.exec(name);
        if (m && (await this.repairFile(camera.name, rel, file, Number(m[1])))) out.indexed++;
        else {
          await rm(file, { recursive: true, force: true });
          out.deleted++;
        }
      }
    }
    if (out.removedRows || out.indexed || out.deleted) this.log.warn(out, 'recordings repaired at start-up');
    return out;
  }

  /** Remuxes an unindexed segment (what can be read is kept) and indexes it, timed by its last write. */
  private async repairFile(camera: string, rel: string, file: string, run: number): Promise<boolean> {
    const tmp = `${file}.part`;
    try {
      const mtime = statSync(file).mtimeMs;
      await runTool('ffmpeg', buildRepairArgs(file, tmp), 60_000);
      const seconds = await mediaDuration(tmp);
      if (!(seconds > 0)) return false;
      await rename(tmp, file);
      this.index.add({ camera_id: camera, start_ms: mtime - seconds * 1000, end_ms: mtime, bytes: statSync(file).size, path: rel, run });
      return true;
    } catch (err) {
      this.log.warn({ err, file: rel }, 'unreadable segment dropped');
      return false;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Deletes segments: rows first, then files. Returns bytes freed. */
  async delete(rows: readonly SegmentRow[]): Promise<number> {
    if (!rows.length) return 0;
    this.index.remove(rows.map((r) => r.id));
    for (const r of rows) await rm(join(this.root, r.path), { force: true });
    return rows.reduce((a, r) => a + r.bytes, 0);
  }

  /** Events mode: segments no event or alert can claim any more go. */
  async pruneUnclaimed(camera: string, nowMs: number): Promise<number> {
    const s = this.settings(camera);
    const rows = this.index.unclaimed(camera, nowMs - s.pre_seconds * 1000 - EVENT_LAG_MS, s.pre_seconds * 1000, s.post_seconds * 1000);
    await this.delete(rows);
    return rows.length;
  }

  /** Retention by days and by disk share, for every camera with recordings; returns segments deleted. */
  async applyRetention(nowMs: number): Promise<number> {
    let deleted = 0;
    const total = await this.diskBytes();
    const bytes = this.index.bytesByCamera();
    for (const camera of this.index.cameras()) {
      const s = this.settings(camera);
      const old = this.index.endedBefore(camera, nowMs - s.retain_days * DAY_MS);
      await this.delete(old);
      deleted += old.length;
      if (total !== undefined) deleted += await this.trim(camera, (bytes.get(camera) ?? 0) - old.reduce((a, r) => a + r.bytes, 0), total * s.max_share_of_disk);
    }
    await this.pruneClipCache(nowMs);
    return deleted;
  }

  /** One camera's recordings brought under `budget` bytes: unclaimed oldest first, then claimed oldest. */
  async trim(camera: string, used: number, budget: number): Promise<number> {
    if (used <= budget) return 0;
    const s = this.settings(camera);
    const claimed: SegmentRow[] = [];
    let deleted = 0;
    let after = -1;
    while (used > budget) {
      const page = this.index.oldestPage(camera, after, 512, s.pre_seconds * 1000, s.post_seconds * 1000);
      if (!page.length) break;
      after = page[page.length - 1]!.start_ms;
      const pick: SegmentRow[] = [];
      for (const r of page) {
        if (used <= budget) break;
        if (r.claimed) claimed.push(r);
        else {
          pick.push(r);
          used -= r.bytes;
        }
      }
      await this.delete(pick);
      deleted += pick.length;
    }
    // Only claimed segments are left to go: the oldest of them.
    const pick: SegmentRow[] = [];
    for (const r of claimed) {
      if (used <= budget) break;
      pick.push(r);
      used -= r.bytes;
    }
    await this.delete(pick);
    return deleted + pick.length;
  }

  /** The disk runs low: every camera loses its oldest recordings (a share of them per call). */
  async reclaim(): Promise<number> {
    let deleted = 0;
    for (const [camera, used] of this.index.bytesByCamera()) deleted += await this.trim(camera, used, used * (1 - RECLAIM_SHARE));
    return deleted;
  }

  /** Size of the recordings folder's file system, in bytes (undefined when it cannot be read). */
  async diskBytes(): Promise<number | undefined> {
    try {
      const st = await statfs(existsSync(this.root) ? this.root : join(this.root, '..'));
      return st.blocks * st.bsize;
    } catch {
      return undefined;
    }
  }

  private async pruneClipCache(nowMs: number): Promise<void> {
    const dir = join(this.root, CLIP_DIR);
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      try {
        if (statSync(file).mtimeMs < nowMs - CLIP_CACHE_MS) await rm(file, { force: true });
      } catch {
        // gone meanwhile
      }
    }
  }
}
