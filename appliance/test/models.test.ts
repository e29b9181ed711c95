import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appliance } from '../src/appliance.js';
import type { CameraView } from '../src/camera-runtime.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';
import { api, CAMPUS, json, ROOT, tempDir, waitFor } from './helpers.js';

const PICODET = resolve(ROOT, 'models/picodet-s/manifest.json');
/** The aspect-aware YOLOX-Nano (symbolic input size; the default manifest.json is the square 416x416). */
const YOLOX_ANY = resolve(ROOT, 'models/yolox-nano/manifest-any.json');

interface SystemDetection {
  models: Array<{ name: string; cameras: string[] }>;
  models_loaded: Array<{ name: string; manifest: string }>;
  frames_inferred: number;
  frames_idle_skipped: number;
}

describe('a model per camera (cameras[].model)', () => {
  let app: Appliance;
  let base = '';
  const cam = async (id: string) => ((await (await api(`${base}/api/v1/cameras`)).json()) as { cameras: CameraView[] }).cameras.find((c) => c.id === id);
  const system = async () => (await (await api(`${base}/api/v1/system`)).json()) as { detection: SystemDetection; cameras: Array<{ id: string; model: string; input: string }> };

  beforeAll(async () => {
    app = new Appliance(
      validateConfig({
        http: { port: 0 },
        storage: { path: resolve(tempDir(), 'v.db') },
        detector: { workers: 1, model: YOLOX_ANY },
        cameras: [
          { id: 'a', source: CAMPUS, loop: true },
          { id: 'b', source: CAMPUS, loop: true, model: PICODET },
          { id: 'c', source: CAMPUS, loop: true, model: PICODET },
        ],
      }),
      silentLogger(),
    );
    await app.start();
    base = `http://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => app?.stop());

  it('cameras naming the same manifest share one loaded model; each runs the input its model plans', async () => {
    await waitFor('three cameras detecting', async () => {
      const v = await Promise.all(['a', 'b', 'c'].map(cam));
      return v.every((x) => x && x.framesInferred >= 5) ? v : undefined;
    }, 60_000);
    const s = await system();
    expect(s.detection.models_loaded.map((m) => m.name)).toEqual(['yolox-nano-any', 'picodet-s']);
    expect(s.detection.models).toEqual([
      { name: 'yolox-nano-any', cameras: ['a'] },
      { name: 'picodet-s', cameras: ['b', 'c'] },
    ]);
    // YOLOX-Nano follows the 4:3 camera's aspect; PicoDet-S runs its fixed 416x416 (stretched).
    expect(Object.fromEntries(s.cameras.map((c) => [c.id, `${c.model} ${c.input}`]))).toEqual({ a: 'yolox-nano-any 416x320', b: 'picodet-s 416x416', c: 'picodet-s 416x416' });
    // The adaptive rate's savings are exported per camera (none here: people walk through every frame).
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const id of ['a', 'b', 'c']) expect(metrics).toMatch(new RegExp(`vantage_camera_frames_idle_skipped\\{camera="${id}"\\} \\d+`));
    expect(s.detection.frames_inferred).toBeGreaterThanOrEqual(15);
    const { models } = (await (await api(`${base}/api/v1/models`)).json()) as { models: Array<{ name: string; inference_ms: number | null }> };
    expect(models.map((m) => m.name)).toEqual(['yolox-nano-any', 'picodet-s']);
    expect(models.every((m) => m.inference_ms !== null && m.inference_ms > 0)).toBe(true);
    // People are found on the PicoDet cameras too.
    const tracks = (await cam('b'))!.activeTracks + (await cam('c'))!.activeTracks;
    expect(tracks).toBeGreaterThan(0);
  });

  it('the API takes a shipped manifest without loading it again, and refuses any other path naming the field', async () => {
    const ok = await api(`${base}/api/v1/cameras`, json('POST', { id: 'd', source: CAMPUS, loop: true, model: 'models/picodet-s/manifest.json' }));
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as CameraView).model).toBe('picodet-s');
    for (const model of ['/etc/passwd', '../../../etc/hostname.json', 'models/picodet-s/LICENSE-picodet_s.txt', 'models/nope/manifest.json']) {
      const bad = await api(`${base}/api/v1/cameras`, json('POST', { id: 'e', source: CAMPUS, model }));
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: { code: string; fields: Array<{ field: string }> } };
      expect(body.error.code).toBe('ERR_CONFIG_INVALID');
      expect(body.error.fields[0]!.field).toBe('model');
    }
    expect((await system()).detection.models_loaded).toHaveLength(2);
  });

  // h16: a session's model
  it('an analysis session runs on a loaded model it names (model), and a model not loaded is refused naming the field', async () => {
    for (const model of ['nope', 'models/yolox-nano/manifest.json', '/etc/passwd', '']) {
      const bad = await api(`${base}/api/v1/sessions`, json('POST', { file: CAMPUS, model }));
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: { fields: Array<{ field: string }> } };
      expect([...new Set(body.error.fields.map((f) => f.field))]).toEqual(['model']);
    }
    interface Session { id: string; model: string | null; status: string; summary: { frames: number; detections: Record<string, { detections: number }> } | null }
    const create = async (model?: string) => {
      const created = await api(`${base}/api/v1/sessions`, json('POST', { file: CAMPUS, ...(model ? { model } : {}) }));
      expect(created.status).toBe(201);
      return (await created.json()) as Session;
    };
    // A manifest's path names the same model as its name.
    expect((await create('models/picodet-s/manifest.json')).model).toBe(PICODET);
    const run = async (model?: string) => {
      const s = await create(model);
      expect((await api(`${base}/api/v1/sessions/${s.id}/start`, { method: 'POST' })).status).toBe(202);
      return waitFor(`session on ${model ?? 'the default model'}`, async () => {
        const v = (await (await api(`${base}/api/v1/sessions/${s.id}`)).json()) as Session;
        return v.status === 'completed' || v.status === 'failed' ? v : undefined;
      }, 110_000, 500);
    };
    const [picodet, byDefault] = [await run('picodet-s'), await run()];
    expect([picodet.status, byDefault.status]).toEqual(['completed', 'completed']);
    expect([picodet.model, byDefault.model]).toEqual([PICODET, null]);
    expect([picodet.summary!.frames, byDefault.summary!.frames]).toEqual([71, 71]);
    // Both find the people; the two models see the same frames differently.
    const people = (s: Session) => s.summary!.detections.person!.detections;
    expect(Math.min(people(picodet), people(byDefault))).toBeGreaterThan(100);
    expect(people(byDefault)).not.toBe(people(picodet));
  }, 240_000);
});
