import { z } from 'zod';

/**
 * The single source of truth for configuration. Every object is strict: an unknown key is an error
 * that names the key. Keys are snake_case, as written in YAML and in VANTAGE_* overrides.
 */

const cameraId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 chars of a-z, 0-9, "_" or "-", starting with a letter or digit');

export const cameraSchema = z.strictObject({
  id: cameraId,
  name: z.string().min(1).optional(),
  /** A file path, or an rtsp://, rtsps://, http(s):// or file: URL. */
  source: z.string().min(1, 'must not be empty'),
  enabled: z.boolean().default(true),
  /** Loop a file source forever (a stand-in for a live camera). */
  loop: z.boolean().default(false),
  /** Pace a file source at its native frame rate; false runs as fast as frames are consumed. */
  realtime: z.boolean().default(true),
  rtsp_transport: z.enum(['tcp', 'udp']).default('tcp'),
});

export const detectorSchema = z.strictObject({
  /** Path to a model manifest (JSON). Defaults to the bundled YOLOX-Nano. */
  model: z.string().min(1).optional(),
  provider: z.enum(['cpu', 'cuda', 'tensorrt']).default('cpu'),
  /** Intra-op threads for the ONNX session (0 = onnxruntime's choice). */
  threads: z.number().int().min(0).max(256).default(2),
  /** Lowest detection score kept; the tracker's low-score band starts here. */
  score_threshold: z.number().gt(0).lt(1).default(0.1),
  /** Score at or above which a detection counts in per-frame class counts. */
  count_threshold: z.number().gt(0).lt(1).default(0.5),
  /** NMS IoU; defaults to the manifest's value. */
  nms_iou: z.number().gt(0).lte(1).optional(),
  /** Keep only these class names (empty = all classes of the model). */
  classes: z.array(z.string().min(1)).default([]),
});

export const configSchema = z
  .strictObject({
    site: z
      .strictObject({
        name: z.string().min(1).default('site'),
        device: z.string().min(1).default('vantage'),
      })
      .prefault({}),
    http: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
      })
      .prefault({}),
    storage: z
      .strictObject({
        path: z.string().min(1).default('./data/vantage.db'),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    detector: detectorSchema.prefault({}),
    cameras: z.array(cameraSchema).default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.cameras.forEach((cam, i) => {
      const first = seen.get(cam.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['cameras', i, 'id'], message: `duplicate camera id "${cam.id}" (also cameras[${first}])` });
      } else {
        seen.set(cam.id, i);
      }
    });
  });

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type CameraConfig = Config['cameras'][number];
export type DetectorConfig = Config['detector'];
