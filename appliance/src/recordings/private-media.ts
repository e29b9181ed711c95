import { existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { blurRegions, METADATA_ONLY_MESSAGE, type PixelBox, type Privacy } from '../config/privacy.js';
import { blurJpeg, imageSize } from '../detect/image.js';
import { blurRects } from '../math/box-blur.js';
import { VantageError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FrameConsumer } from '../pipeline/frame-processor.js';
import { filterVideo } from '../sources/frame-filter.js';
import type { NormBox, PrivacyBoxes } from '../store/privacy-boxes.js';
import { CLIP_DIR } from './recording-storage.js';
import type { ClipResult, Recordings } from './recordings-service.js';

/** A recorded camera with blur on keeps the people's boxes at most this often (ms of frame time). */
const SAMPLE_MS = 200;
/** A frame is blurred where the people of the samples within this of it were (covers their motion between samples). */
const SAMPLE_REACH_MS = 400;

export interface PrivateMediaDeps {
  recordings: Recordings;
  boxes: PrivacyBoxes;
  /** The privacy in force for a camera (config/privacy.ts privacyOf). */
  privacy(camera: string): Privacy;
  className(classId: number): string;
  log: Logger;
}

/**
 * Privacy over recordings (issue 17): what the API, Telegram and MQTT get of a camera's recordings is
 * what its privacy allows. metadata_only: no clip, thumbnail, playlist or segment (403 with the
 * reason). blur: clips are re-encoded at request time with the people blurred (boxes sampled while
 * recording, `consumer()`), thumbnails blurred, raw segments and playlists refused; the recordings
 * themselves are never altered. Without privacy every call goes straight to the recordings service.
 */
export class PrivateMedia {
  private readonly lastSample = new Map<string, number>();
  private readonly making = new Map<string, Promise<string>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly d: PrivateMediaDeps) {}

  /** Writes the sampled boxes and prunes those no recording needs, once a minute. */
  start(now: () => number): void {
    this.timer = setInterval(() => {
      try {
        this.d.boxes.prune(now());
      } catch (err) {
        this.d.log.error({ err }, 'privacy boxes: prune failed');
      }
    }, 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.d.boxes.flush();
  }

  /** Samples the boxes of the people in each recorded frame of a camera whose blur is on. */
  consumer(): FrameConsumer {
    return {
      frame: (f) => {
        const p = this.d.privacy(f.camera);
        if (p.blur === 'none' || p.metadata_only || this.d.recordings.settings(f.camera).mode === 'off') return;
        const last = this.lastSample.get(f.camera);
        if (last !== undefined && f.timeMs >= last && f.timeMs - last < SAMPLE_MS) return;
        this.lastSample.set(f.camera, f.timeMs);
        const { srcWidth: w, srcHeight: h } = f.result.letterbox;
        const boxes: NormBox[] = [];
        for (const t of [...f.tracks, ...f.result.detections]) {
          if (p.classes.includes(this.d.className(t.classId))) boxes.push([t.box.x1 / w, t.box.y1 / h, t.box.x2 / w, t.box.y2 / h]);
        }
        this.d.boxes.add(f.camera, f.timeMs, boxes);
      },
    };
  }

  // ---- what the API (api/recordings.ts) serves ----

  segments(camera: string, from: number, to: number): ReturnType<Recordings['segments']> {
    return this.d.recordings.segments(camera, from, to);
  }

  playlist(camera: string, from: number, to: number, uri: (id: number) => string): string | undefined {
    this.rawAllowed(camera);
    return this.d.recordings.playlist(camera, from, to, uri);
  }

  segmentFile(id: number): { path: string; size: number } | undefined {
    const row = this.d.recordings.index.get(id);
    if (row) this.rawAllowed(row.camera_id);
    return this.d.recordings.segmentFile(id);
  }

  /** The event's or alert's clip as its camera's privacy allows it: as recorded, blurred, or refused (ERR_FORBIDDEN). */
  async clip(kind: 'event' | 'notification', id: number): Promise<ClipResult> {
    const camera = this.cameraOf(kind, id);
    const p = camera === undefined ? undefined : this.d.privacy(camera);
    if (p?.metadata_only) throw new VantageError('ERR_FORBIDDEN', METADATA_ONLY_MESSAGE);
    const r = await this.d.recordings.clip(kind, id);
    if (!('clip' in r) || !p || p.blur === 'none') return r;
    const path = await this.blurredClip(`${kind}-${id}`, r.clip.path, r.clip.startMs, camera!, p);
    return { clip: { path, size: statSync(path).size, startMs: r.clip.startMs } };
  }

  /** The event's thumbnail with the people blurred where its camera's privacy says so. */
  async thumbnail(id: number): Promise<{ jpeg: Buffer } | { missing: string }> {
    const camera = this.cameraOf('event', id);
    const p = camera === undefined ? undefined : this.d.privacy(camera);
    if (p?.metadata_only) throw new VantageError('ERR_FORBIDDEN', METADATA_ONLY_MESSAGE);
    const r = await this.d.recordings.thumbnail(id);
    if (!('jpeg' in r) || !p || p.blur === 'none') return r;
    const ts = this.d.recordings.index.event(id)!.ts;
    const { width, height } = await imageSize(r.jpeg);
    const samples = this.d.boxes.range(camera!, ts - SAMPLE_REACH_MS, ts + SAMPLE_REACH_MS);
    return { jpeg: await blurJpeg(r.jpeg, blurRegions(p.blur, boxesAt(samples, ts, width, height), width, height)) };
  }

  /**
   * For Telegram and MQTT: the clip's file as the camera's privacy allows it, 'later' while its post
   * roll is being recorded, or null when there will be none (not recorded, or metadata_only).
   */
  async clipFile(kind: 'event' | 'notification', id: number): Promise<string | 'later' | null> {
    try {
      const r = await this.clip(kind, id);
      return 'clip' in r ? r.clip.path : 'pending' in r ? 'later' : null;
    } catch (e) {
      if (e instanceof VantageError && e.code === 'ERR_FORBIDDEN') return null;
      throw e;
    }
  }

  /** The camera of an event or alert (undefined when it has none, or there is no such row). */
  cameraOf(kind: 'event' | 'notification', id: number): string | undefined {
    const row = kind === 'event' ? this.d.recordings.index.event(id) : this.d.recordings.index.notification(id);
    return row?.camera_id ?? undefined;
  }

  /** Raw segments and playlists only where nothing is to be blurred or withheld. */
  private rawAllowed(camera: string): void {
    const p = this.d.privacy(camera);
    if (p.metadata_only) throw new VantageError('ERR_FORBIDDEN', METADATA_ONLY_MESSAGE);
    if (p.blur !== 'none') throw new VantageError('ERR_FORBIDDEN', `privacy.blur is ${p.blur} for camera "${camera}": its recording is not served as recorded; event and alert clips (…/clip.mp4) are served blurred`);
  }

  /** A clip re-encoded with the people blurred, cached beside the clips (made once per clip and mode). */
  private blurredClip(key: string, input: string, startMs: number, camera: string, p: Privacy): Promise<string> {
    const path = join(this.d.recordings.root, CLIP_DIR, `${key}.blur-${p.blur}.mp4`);
    if (existsSync(path) && statSync(path).mtimeMs >= statSync(input).mtimeMs) return Promise.resolve(path);
    let job = this.making.get(path);
    if (!job) {
      job = (async () => {
        const samples = this.d.boxes.range(camera, startMs - SAMPLE_REACH_MS, startMs + 3_600_000);
        const tmp = `${path}.part`;
        try {
          await filterVideo(input, tmp, (rgb, f) => blurRects(rgb, f.width, f.height, 3, blurRegions(p.blur, boxesAt(samples, startMs + f.seconds * 1000, f.width, f.height), f.width, f.height)));
          await rename(tmp, path);
        } finally {
          await rm(tmp, { force: true });
        }
        this.d.log.info({ camera, clip: key, blur: p.blur }, 'clip blurred for privacy');
        return path;
      })().finally(() => this.making.delete(path));
      this.making.set(path, job);
    }
    return job;
  }
}

/** The people's boxes (image pixels) at a moment: those of every sample within SAMPLE_REACH_MS of it (samples oldest first). */
export function boxesAt(samples: ReadonlyArray<{ ts: number; boxes: NormBox[] }>, ts: number, width: number, height: number): PixelBox[] {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.ts < ts - SAMPLE_REACH_MS) lo = mid + 1;
    else hi = mid;
  }
  const out: PixelBox[] = [];
  for (let i = lo; i < samples.length && samples[i]!.ts <= ts + SAMPLE_REACH_MS; i++) {
    for (const [x1, y1, x2, y2] of samples[i]!.boxes) out.push({ x1: x1 * width, y1: y1 * height, x2: x2 * width, y2: y2 * height });
  }
  return out;
}
