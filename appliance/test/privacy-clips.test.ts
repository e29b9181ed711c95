import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import { blurRegions, type Region } from '../src/config/privacy.js';
import { blurJpeg } from '../src/detect/image.js';
import { boxesAt } from '../src/recordings/private-media.js';
import type { Recordings } from '../src/recordings/recordings-service.js';
import type { NormBox } from '../src/store/privacy-boxes.js';
import { frameTimes } from '../src/sources/frame-filter.js';
import { api, json, waitFor } from './helpers.js';
import { startRig, type Rig } from './rig.js';
import { detail, differingOutside, pixels, type Pixels, variance } from './pixel-stats.js';

/** Frame `n` of a video, decoded by ffmpeg, as raw pixels. */
async function frameOf(file: string, n: number): Promise<Pixels> {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'], { maxBuffer: 64 << 20 });
  if (r.status !== 0 || !r.stdout.length) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
  return pixels(r.stdout);
}

/** Mean absolute difference of the pixels outside the regions (grown by margin). */
function meanDiffOutside(a: Pixels, b: Pixels, regions: readonly Region[], margin = 16): number {
  let n = 0;
  let d = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (regions.some((r) => x >= r.left - margin && x < r.left + r.width + margin && y >= r.top - margin && y < r.top + r.height + margin)) continue;
      const o = (y * a.width + x) * a.channels;
      for (let c = 0; c < 3; c++) d += Math.abs(a.data[o + c]! - b.data[o + c]!);
      n += 3;
    }
  }
  return d / n;
}

describe('privacy over recordings: blurred clips and thumbnails, nothing recorded under metadata_only', () => {
  let rig: Rig;
  let dir: string;
  let dbPath: string;
  let app: Appliance;
  let base: string;
  const all = { id: 'all', points: [[0, 0], [1, 0], [1, 1], [0, 1]] as Array<[number, number]> };

  beforeAll(async () => {
    // A live H.264 camera: the analysis and the recorder see the same moment at the same time.
    rig = await startRig({
      rtsp: true,
      config: (urls) => ({
        cameras: [
          { id: 'campus', source: urls.rtsp, record: { mode: 'continuous', pre_seconds: 2, post_seconds: 2 }, privacy: { blur: 'people' }, zones: [all] },
          { id: 'hidden', source: urls.rtsp, record: { mode: 'continuous', pre_seconds: 2, post_seconds: 2 }, privacy: { metadata_only: true }, zones: [all] },
        ],
      }),
    });
    ({ app, dir, dbPath, base } = rig);
  });
  afterAll(async () => rig?.stop());

  const crossing = (camera: string) =>
    waitFor(`a zone entry on ${camera}`, async () => {
      const { events } = (await (await api(`${base}/api/v1/events?camera=${camera}&type=zone.enter`)).json()) as { events: Array<{ id: number }> };
      return events[events.length - 1]?.id;
    }, 30_000);

  it('a clip is re-encoded with every sampled person blurred; elsewhere it is the recording up to encoding noise', { timeout: 240_000 }, async () => {
    const id = await crossing('campus');
    const res = await waitFor('the blurred clip', async () => {
      const r = await api(`${base}/api/v1/events/${id}/clip.mp4`);
      if (r.status === 200) return r;
      expect(r.status).toBe(409); // its post roll is still being recorded
      await r.body?.cancel();
      return undefined;
    }, 200_000, 1000);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const startMs = Number(res.headers.get('x-clip-start'));
    const blurredFile = join(dir, 'blurred.mp4');
    const bytes = Buffer.from(await res.arrayBuffer());
    writeFileSync(blurredFile, bytes);
    // Range works on the blurred copy too (seeking in the player).
    const part = await api(`${base}/api/v1/events/${id}/clip.mp4`, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    // The recording itself is untouched: the clip as recorded, from the recordings service.
    const rec = (app as unknown as { p: { recordings: Recordings } }).p.recordings;
    const raw = await rec.clip('event', id);
    if (!('clip' in raw)) throw new Error('no raw clip');

    const db = new SQLite(dbPath, { readonly: true });
    const samples = (db.prepare('SELECT ts, boxes FROM privacy_boxes WHERE camera_id = ? AND ts BETWEEN ? AND ? ORDER BY ts').all('campus', startMs - 1000, startMs + 10_000) as Array<{ ts: number; boxes: string }>).map((s) => ({ ts: s.ts, boxes: JSON.parse(s.boxes) as NormBox[] }));
    db.close();
    expect(samples.length).toBeGreaterThan(5);
    let checked = 0;
    // Frames at the event's moment and after it, when the analysis saw the people (the pre roll may
    // predate the analysis's first frame); a frame's time is the clip's start plus its timestamp.
    const eventAt = (rec.index.event(id)!.ts - startMs) / 1000;
    const times = await frameTimes(raw.clip.path);
    const frameAt = (s: number) => times.findIndex((t) => t >= s);
    for (const n of [0, 0.5, 1].map((s) => frameAt(Math.min(eventAt + s, times[times.length - 1]!)))) {
      const plain = await frameOf(raw.clip.path, n);
      const blurred = await frameOf(blurredFile, n);
      expect([blurred.width, blurred.height]).toEqual([plain.width, plain.height]);
      const regions = blurRegions('people', boxesAt(samples, startMs + times[n]! * 1000, plain.width, plain.height), plain.width, plain.height);
      expect(regions.length, `people at frame ${n}`).toBeGreaterThan(0);
      // Below ~48 px a person's region is mostly x264's 16×16 blocks: measured on the larger ones.
      for (const r of regions.filter((x) => x.width >= 48 && x.height >= 48)) {
        expect(variance(blurred, r)).toBeLessThan(variance(plain, r));
        expect(detail(blurred, r)).toBeLessThan(detail(plain, r) * 0.5);
        checked++;
      }
      // Outside the people: the same picture, up to x264's encoding noise (a few levels of 255).
      expect(meanDiffOutside(plain, blurred, regions)).toBeLessThan(3);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('the event thumbnail is blurred where the people were; the raw playlist is refused with the reason', async () => {
    const id = await crossing('campus');
    const res = await waitFor('the thumbnail', async () => {
      const r = await api(`${base}/api/v1/events/${id}/thumb.jpg`);
      if (r.status === 200) return r;
      await r.body?.cancel();
      return undefined;
    }, 30_000, 1000);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const served = await pixels(Buffer.from(await res.arrayBuffer()));
    const rec = (app as unknown as { p: { recordings: Recordings } }).p.recordings;
    const rawThumb = await rec.thumbnail(id);
    if (!('jpeg' in rawThumb)) throw new Error('no raw thumbnail');
    const plain = await pixels(await blurJpeg(rawThumb.jpeg, []));
    const ts = rec.index.event(id)!.ts;
    const db = new SQLite(dbPath, { readonly: true });
    const samples = (db.prepare('SELECT ts, boxes FROM privacy_boxes WHERE camera_id = ? AND ts BETWEEN ? AND ? ORDER BY ts').all('campus', ts - 1000, ts + 1000) as Array<{ ts: number; boxes: string }>).map((s) => ({ ts: s.ts, boxes: JSON.parse(s.boxes) as NormBox[] }));
    db.close();
    const regions = blurRegions('people', boxesAt(samples, ts, plain.width, plain.height), plain.width, plain.height);
    expect(regions.length).toBeGreaterThan(0);
    for (const r of regions) expect(variance(served, r)).toBeLessThan(variance(plain, r));
    expect(differingOutside(plain, served, regions)).toBe(0);

    const now = Date.now();
    const vod = await api(`${base}/api/v1/cameras/campus/vod.m3u8?from=${now - 60_000}&to=${now}`);
    expect(vod.status).toBe(403);
    expect(((await vod.json()) as { error: { message: string } }).error.message).toContain('privacy.blur');
  });

  it('metadata_only: nothing is recorded and its clips are refused with the reason', async () => {
    const id = await crossing('hidden');
    const clip = await api(`${base}/api/v1/events/${id}/clip.mp4`);
    expect(clip.status).toBe(403);
    expect(((await clip.json()) as { error: { message: string } }).error.message).toContain('privacy.metadata_only');
    const now = Date.now();
    const listed = (await (await api(`${base}/api/v1/cameras/hidden/recordings?from=${now - 600_000}&to=${now}`)).json()) as { segments: unknown[] };
    expect(listed.segments).toHaveLength(0);
    const campus = (await (await api(`${base}/api/v1/cameras/campus/recordings?from=${now - 600_000}&to=${now}`)).json()) as { segments: unknown[] };
    expect(campus.segments.length).toBeGreaterThan(0);
  });
});
