import { z } from 'zod';
import { validateLine, validateZone } from '../math/geometry.js';
import { BUNDLED_MEDIA_DIR } from './paths.js';
import { addressListProblem } from '../util/address-list.js';
import { cameraPrivacySchema, privacySchema } from './privacy.js';
import { cameraId, point, shapeId } from './ids.js';
import { checkShapeRefs, occupancySchema, queuesSchema, reportsSchema, speedSchema } from './operator-analytics.js';

export { areaSchema, occupancySchema, queuesSchema, reportScheduleSchema, speedSchema, type ReportScheduleConfig } from './operator-analytics.js';

/**
 * The single source of truth for configuration. Every object is strict: an unknown key is an error
 * that names the key. Keys are snake_case, as written in YAML and in VANTAGE_* overrides.
 */

/** A polygon zone in normalised coordinates (0–1 of the frame), checked by analytics/geometry. */
export const zoneSchema = z
  .strictObject({
    id: shapeId,
    name: z.string().min(1).optional(),
    points: z.array(point),
    /** Count only these classes (default: all). */
    classes: z.array(z.string().min(1)).optional(),
    /** Emit zone.loitering once per visit when a dwell passes this many seconds. */
    loiter_seconds: z.number().positive().optional(),
    /** Emit zone.crowded when occupancy reaches this (and zone.clear when it falls 2 below). */
    crowd_threshold: z.number().int().min(1).optional(),
    // Queues and capacity (analytics/engines/queues.ts, occupancy.ts):
    /** A queue: its visitors wait until they cross `service_line` (a line of the same camera). */
    queue: z.boolean().optional(),
    service_line: shapeId.optional(),
    /** Most objects the zone is meant to hold; occupancy is also given as a % of it. */
    capacity: z.number().int().min(1).max(100_000).optional(),
  })
  .superRefine((zone, ctx) => {
    const problem = validateZone(zone.points);
    if (problem) ctx.addIssue({ code: 'custom', path: ['points'], message: problem });
    if (zone.queue && !zone.service_line) ctx.addIssue({ code: 'custom', path: ['service_line'], message: 'a queue zone needs its service_line (a line id of the same camera)' });
  });

/** A directed tripwire a→b in normalised coordinates; see analytics/zone-engine for in/out. */
export const lineSchema = z
  .strictObject({
    id: shapeId,
    name: z.string().min(1).optional(),
    points: z.tuple([point, point]),
    classes: z.array(z.string().min(1)).optional(),
  })
  .superRefine((line, ctx) => {
    const problem = validateLine(line.points);
    if (problem) ctx.addIssue({ code: 'custom', path: ['points'], message: problem });
  });

function uniqueIds(items: ReadonlyArray<{ id: string }>, what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate ${what} id "${item.id}"` });
    seen.add(item.id);
  });
}

/** A camera's zones / lines: at most 64, ids unique (also the bodies of PUT …/zones and …/lines). */
export const zonesSchema = z.array(zoneSchema).max(64).superRefine((zs, ctx) => uniqueIds(zs, 'zone', ctx));
export const linesSchema = z.array(lineSchema).max(64).superRefine((ls, ctx) => uniqueIds(ls, 'line', ctx));

// --- recordings (issue 17) ---
/**
 * A camera's recording: `off`, `events` (only the segments around analytic events and alerts, with
 * pre/post roll) or `continuous` (everything); kept `retain_days`, and at most `max_share_of_disk` of
 * the recordings folder's file system per camera (the oldest go first).
 */
export const recordSchema = z.strictObject({
  mode: z.enum(['off', 'events', 'continuous']).default('off'),
  pre_seconds: z.number().min(0).max(300).default(5),
  post_seconds: z.number().min(0).max(300).default(5),
  retain_days: z.number().gt(0).max(3650).default(7),
  max_share_of_disk: z.number().gt(0).max(0.9).default(0.5),
});
export type RecordConfig = z.output<typeof recordSchema>;
// --- end recordings ---
// --- Queues, occupancy and speed (issue 18): the speed calibration, areas, queues and scheduled reports live in config/operator-analytics.ts ---

export const cameraSchema = z.strictObject({
  id: cameraId,
  name: z.string().min(1).optional(),
  /** An rtsp://, rtsps:// or http(s):// URL, or a video file under storage.media_dirs (sources/source-policy). */
  source: z.string().min(1, 'must not be empty'),
  enabled: z.boolean().default(true),
  /** Loop a file source forever (a stand-in for a live camera). */
  loop: z.boolean().default(false),
  /** Pace a file source at its native frame rate; false runs as fast as frames are consumed. */
  realtime: z.boolean().default(true),
  rtsp_transport: z.enum(['tcp', 'udp']).default('tcp'),
  /** A separate (higher-resolution) stream for the MPEG-1 live view; detection (and the WebRTC picture, its frames) uses `source`. */
  live_source: z.string().min(1).optional(),
  /** Hardware decoding in ffmpeg. */
  hwaccel: z.enum(['none', 'cuda', 'vaapi', 'jetson']).default('none'),
  /** No frame for this many seconds restarts the decoder. */
  stall_timeout: z.number().gt(0).max(600).default(10),
  /** Run the detector on every Nth frame; the tracker carries boxes in between. */
  detect_every: z.number().int().min(1).max(100).default(1),
  /** Skip the detector when less than this fraction of the picture changed (0 = always detect). */
  motion_threshold: z.number().min(0).max(1).default(0),
  /**
   * Adaptive detection rate: on an empty scene (no object for a second) where nothing moves, run the
   * detector only this many times a second; any motion or object brings back every frame (0 = always
   * every frame).
   */
  idle_fps: z.number().min(0).max(60).default(2),
  /**
   * This camera's model manifest (default: detector.model). Cameras naming the same manifest share
   * one loaded model.
   */
  model: z.string().min(1).optional(),
  zones: zonesSchema.default([]),
  lines: linesSchema.default([]),
  /** Privacy for this camera (config/privacy.ts); keys given replace the global `privacy`. */
  privacy: cameraPrivacySchema.optional(),
  // --- recordings (issue 17) ---
  /** Recording without re-encoding (recordings/): which segments are kept, for how long, on how much disk. */
  record: recordSchema.prefault({}),
  /** The stream recorded (often the camera's main stream while analysis uses the sub-stream); default `source`. Checked like `source`. */
  record_source: z.string().min(1).optional(),
  // --- end recordings ---
  /** Ground calibration for speeds in m/s (analytics/engines/speed.ts); absent = no speeds. */
  speed: speedSchema.optional(),
});

export const detectorSchema = z.strictObject({
  /** Path to a model manifest (JSON). Defaults to the bundled YOLOX-Nano. */
  model: z.string().min(1).optional(),
  /**
   * The model input per camera: "auto" follows each camera's aspect (a model with a dynamic input
   * size runs e.g. 416x320 on a 4:3 camera instead of a padded 416x416), or a fixed "WxH".
   */
  input: z
    .union([z.literal('auto'), z.string().regex(/^[1-9]\d{1,3}x[1-9]\d{1,3}$/, 'must be "auto" or WIDTHxHEIGHT, e.g. 416x320')])
    .default('auto'),
  /** With input auto: the most input pixels per frame (more finds smaller objects, costs time); default: the model's own detail. */
  input_pixels: z.number().int().min(64 * 64).max(2048 * 2048).optional(),
  provider: z.enum(['cpu', 'cuda', 'tensorrt']).default('cpu'),
  /** The GPU (CUDA device index) for provider cuda or tensorrt. */
  gpu_device: z.number().int().min(0).max(63).default(0),
  /** provider tensorrt: keep built engines here so a restart does not rebuild them (created if missing). */
  tensorrt_cache_dir: z.string().min(1).optional(),
  /** provider tensorrt: allow FP16 kernels (faster on GPUs with tensor cores, slightly less exact). */
  tensorrt_fp16: z.boolean().default(false),
  /**
   * Worker threads, each with its own ONNX session (0 = run on the main thread). Two single-threaded
   * sessions beat one two-threaded session on a 2-core CPU; one worker suits a GPU.
   */
  workers: z.number().int().min(0).max(64).default(2),
  /** Intra-op threads per ONNX session (0 = onnxruntime's choice). */
  threads: z.number().int().min(0).max(256).default(1),
  /**
   * Frames (of any cameras) one session run may carry when the model accepts a batch (its manifest's
   * input.batch is "dynamic" or more than 1); only frames already waiting are batched, none waits
   * for a batch to fill. 1 = no batching. A model with a fixed batch of 1 runs one frame at a time
   * whatever this says.
   */
  max_batch: z
    .number({ error: 'a whole number of frames from 1 (no batching) to 64' })
    .int({ error: 'a whole number of frames from 1 (no batching) to 64' })
    .min(1, { error: 'at least 1 (1 = no batching)' })
    .max(64, { error: 'at most 64 frames per session run' })
    .default(4),
  /** Lowest detection score kept; the tracker's low-score band starts here. */
  score_threshold: z.number().gt(0).lt(1).default(0.1),
  /** Score at or above which a detection counts in per-frame class counts. */
  count_threshold: z.number().gt(0).lt(1).default(0.5),
  /** NMS IoU; defaults to the manifest's value. */
  nms_iou: z.number().gt(0).lte(1).optional(),
  /** Keep only these class names (empty = all classes of the model). */
  classes: z.array(z.string().min(1)).default([]),
});

/**
 * ByteTrack thresholds plus re-activation; defaults chosen on the MOT15 TUD clips at full, half and a
 * third of their frame rate, each checked by leave-one-clip-out (see README).
 */
export const trackerSchema = z
  .strictObject({
    /** Detections at or above go to the first association. */
    high_threshold: z.number().gt(0).lt(1).default(0.5),
    /** Detections in [low, high) only extend existing tracks (the second association). */
    low_threshold: z.number().gt(0).lt(1).default(0.1),
    /** An unmatched detection at or above starts a new track. */
    new_track_threshold: z.number().gt(0).lte(1).default(0.6),
    /** Largest association cost (1 − IoU·score) in the first association. */
    match_threshold: z.number().gt(0).lte(1).default(0.8),
    /** Largest cost (1 − IoU) for low-score detections. */
    low_match_threshold: z.number().gt(0).lte(1).default(0.5),
    /** Largest cost for a new, unconfirmed track's second detection. */
    unconfirmed_match_threshold: z.number().gt(0).lte(1).default(0.7),
    /** Fuse the detection score into the first association's cost. */
    fuse_score: z.boolean().default(true),
    /** How long a lost track may come back with its id, in seconds (fps-independent). */
    track_buffer_seconds: z.number().gt(0).max(600).default(2),
    /** Frames with a detection before a track is confirmed and given an id. */
    min_hits: z.number().int().min(1).max(30).default(2),
    /** IoU above which a tracked and a lost track of one class are duplicates. */
    duplicate_iou: z.number().gt(0).lte(1).default(0.85),
    /** Weight of the colour-appearance distance in association (0 = motion only). */
    appearance_weight: z.number().min(0).max(10).default(1),
    /** Appearance distance (0–1) above which a detection cannot continue a track. */
    appearance_gate: z.number().gt(0).lte(1).default(0.15),
    /**
     * Re-activation after occlusion: a track left unmatched by the IoU associations continues with a
     * confident detection within this many box heights per second of absence (plus half a second's
     * worth) of where it was last seen or heading, if it looks alike (0 = off).
     */
    recover_heights_per_second: z.number().min(0).max(10).default(1),
    /** Appearance distance (0–1) above which re-activation refuses a detection. */
    recover_appearance_gate: z.number().gt(0).lte(1).default(0.15),
    /** Observation-centric re-update: a re-found track takes the velocity observed across its gap. */
    reupdate: z.boolean().default(true),
    /** Direction consistency (OC-SORT) weight in the first association (0 = off; measured no gain). */
    direction_weight: z.number().min(0).max(1).default(0),
    /** Box reported for a track: the matched detection's or the Kalman-filtered one. */
    output_box: z.enum(['detection', 'filtered']).default('detection'),
  })
  .refine((t) => t.low_threshold <= t.high_threshold, { message: 'low_threshold must not exceed high_threshold', path: ['low_threshold'] });

export const analyticsSchema = z.strictObject({
  /** Heatmap grid size (cells across and down). */
  heatmap_width: z.number().int().min(4).max(512).default(64),
  heatmap_height: z.number().int().min(4).max(512).default(48),
  // Zone entries and exits (zone-engine.ts), in seconds and box sizes so they hold at any frame rate.
  /**
   * Deprecated as a time (it meant 0.12 s at 25 fps and 0.6 s at 5 fps): now only the least number of
   * appearances inside (outside) before an entry (exit) counts, on top of zone_enter_seconds / zone_exit_seconds.
   */
  hysteresis_frames: z.number().int().min(1).max(50).default(2),
  /** Seconds a track's foot point is inside a zone (first to latest appearance) before its entry counts. */
  zone_enter_seconds: z.number().min(0).max(60).default(0.3),
  /** Seconds outside before its exit counts; a visitor back inside sooner continues the same visit. */
  zone_exit_seconds: z.number().min(0).max(60).default(0.5),
  /** Box sizes a foot point must be past a zone's edge to count as inside (outside); 0 = the edge itself. */
  zone_depth: z.number().min(0).max(5).default(0),
  /** Local time (HH:MM) of the daily report; hourly reports run at every full hour. */
  daily_report_at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)').default('00:05'),
  hourly_reports: z.boolean().default(true),
  daily_reports: z.boolean().default(true),
  /**
   * Longest analysis of a stream URL (POST /api/v1/video/analyze with source_type stream), in seconds;
   * a longer `duration` is refused, and one without a duration stops here unless cancelled first.
   */
  max_stream_seconds: z.number().int().min(1).max(7 * 86_400).default(3600),
  /**
   * Classes a zone or line counts when it names none of its own (`classes`): people and vehicles, so
   * a bird taken for a skateboard stays out of the headline figures. [] counts every class the model
   * knows; a model that knows none of these counts every class too.
   */
  count_classes: z.array(z.string().min(1)).max(1000).default(['person', 'bicycle', 'car', 'motorcycle', 'motorbike', 'bus', 'truck']),
  /** How long rows are kept, in days, enforced by a daily job. */
  retention: z
    .strictObject({
      events_days: z.number().int().min(1).default(30),
      minute_counts_days: z.number().int().min(1).default(90),
      heatmap_hours_days: z.number().int().min(1).default(365),
      heatmap_days_days: z.number().int().min(1).default(1825),
      tracks_days: z.number().int().min(1).default(30),
      detection_seconds_days: z.number().int().min(1).default(7),
      reports_days: z.number().int().min(1).default(365),
    })
    .prefault({}),
  /** Queue zones' served/abandoned rules and wait estimate (issue 18). */
  queues: queuesSchema.prefault({}),
  /** Areas counted in − out with drift correction, and the daily reset (issue 18). */
  occupancy: occupancySchema.prefault({}),
});

export const mqttSchema = z.strictObject({
  /** mqtt://host:1883 or mqtts://host:8883 */
  url: z.string().regex(/^mqtts?:\/\/[^/]+/, 'must be an mqtt:// or mqtts:// URL'),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  client_id: z.string().min(1).optional(),
  keepalive: z.number().int().min(5).max(3600).default(30),
  /** PEM files for mqtts:// */
  ca: z.string().min(1).optional(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** Home Assistant MQTT discovery: occupancy per zone and tracked objects per camera appear as sensors. */
  home_assistant: z
    .strictObject({
      enabled: z.boolean().default(false),
      /** Home Assistant's discovery prefix. */
      prefix: z.string().min(1).default('homeassistant'),
    })
    .prefault({}),
  // Issue 18: the engines' live figures (sync/engine-topics.ts).
  /** Live queue, capacity, area and speed figures go out (retained, when changed) at most this often per topic, in seconds. */
  analytics_seconds: z.number().min(1).max(3600).default(10),
});

export const telegramSchema = z.strictObject({
  /** Bot token from @BotFather; the API's POST /notifications/telegram/connect can set or replace it. */
  bot_token: z.string().regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC… (from @BotFather)').optional(),
  /** Chats that receive alerts (ids; negative for groups and channels). */
  chat_ids: z.array(z.union([z.number().int(), z.string().regex(/^(-?\d+|@\w{4,})$/)])).default([]),
  /** Bot API base URL; tests point it at a local server. */
  base_url: z.url().default('https://api.telegram.org'),
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
        /** Requests a minute per client address on /api (0 = unlimited); over it: 429. */
        rate_limit_per_minute: z.number().int().min(0).default(6000),
        /** A live-events WebSocket client whose unsent data passes this many bytes is dropped. */
        live_max_buffer_bytes: z.number().int().min(1024).default(1024 * 1024),
        /** Mark session cookies Secure; turn on when the dashboard is served over HTTPS (e.g. behind a TLS proxy). */
        secure_cookies: z.boolean().default(false),
        /**
         * Addresses (or CIDR blocks) of reverse proxies, e.g. the TLS proxy in front of the dashboard: a
         * request from one of them is counted against the client named in X-Forwarded-For. From any
         * other address X-Forwarded-For is ignored (a client could write anything there).
         */
        trusted_proxies: z
          .array(z.string().superRefine((v, ctx) => {
            const problem = addressListProblem(v);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }))
          .max(64)
          .default([]),
        /**
         * Names this box answers to in the Host header (a DNS-rebinding defence); a request for any
         * other name is refused with 421. Always allowed: IP addresses, localhost and this machine's
         * hostnames; add the names the dashboard is reached by (e.g. the TLS proxy's). "*" turns the
         * check off.
         */
        allowed_hosts: z
          .array(z.string().trim().toLowerCase().regex(/^(\*|[a-z0-9.-]{1,253})$/, 'must be a host name (letters, digits, "." and "-"), without a port, or "*"'))
          .max(64)
          .default([]),
      })
      .prefault({}),
    /** Sign-in: how long logins last and how much CPU password checks may take. */
    auth: z
      .strictObject({
        /** A login (its refresh tokens) ends this many days after the password was entered, however often it is refreshed. */
        refresh_absolute_days: z.number().positive().max(365).default(30),
        /** Password hashes (argon2, ~20 MiB and tens of ms of CPU each) computed at once; more wait their turn. */
        max_concurrent_hashes: z.number().int().min(1).max(16).default(2),
      })
      .prefault({}),
    /** The dashboard's live view (WebRTC, MPEG-1 fallback): an ffmpeg per camera runs only while someone watches. */
    live_video: z
      .strictObject({
        /** Viewers of one camera (WebRTC peers and MPEG-1 sockets together); one more is refused with 503. */
        max_viewers_per_camera: z.number().int().min(1).max(100).default(4),
        /** Viewers of all cameras together. */
        max_viewers: z.number().int().min(1).max(1000).default(16),
        /** Widest MPEG-1 picture sent, in pixels; larger streams are scaled down (aspect kept, even sizes). WebRTC sends the analysed frames. */
        max_width: z.number().int().min(64).max(7680).default(1280),
        /** Seconds a camera's MPEG-1 ffmpeg keeps running after its last viewer left. */
        linger_seconds: z.number().min(0).max(600).default(5),
        /** Video bitrate of the MPEG-1 stream for JSMpeg. */
        mpeg1_bitrate_kbps: z.number().int().min(100).max(50_000).default(1000),
      })
      .prefault({}),
    storage: z
      .strictObject({
        path: z.string().min(1).default('./data/vantage.db'),
        /** Largest video accepted by POST /api/v1/sessions/upload, in MiB (stored beside the database). */
        upload_limit_mb: z.number().int().min(1).max(1024 * 1024).default(4096),
        /**
         * Free space (MiB) on the database's file system below which the appliance reports the disk as
         * low (GET /readyz, GET /api/v1/system), applies retention at once and trims the oldest raw rows.
         */
        min_free_mb: z.number().int().min(0).default(512),
        /** How often free space is checked, in seconds. */
        disk_check_seconds: z.number().min(1).max(3600).default(30),
        /**
         * Folders whose videos may be a camera's `source`/`live_source` or an analysis session's `file`
         * (besides the uploads folder); any other file is refused. Default: the bundled media.
         */
        media_dirs: z.array(z.string().min(1)).max(32).default([BUNDLED_MEDIA_DIR]),
        /** Uploaded videos kept at once (each deleted with its session); one more is refused with 413. */
        max_uploads: z.number().int().min(1).max(10_000).default(50),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    detector: detectorSchema.prefault({}),
    tracker: trackerSchema.prefault({}),
    analytics: analyticsSchema.prefault({}),
    /** Upstream MQTT broker; absent = no MQTT. */
    mqtt: mqttSchema.optional(),
    telegram: telegramSchema.prefault({}),
    /** Bounds of the durable outbox (messages waiting to leave the box). */
    outbox: z
      .strictObject({
        max_messages: z.number().int().min(100).default(100_000),
        max_age_hours: z.number().positive().default(168),
      })
      .prefault({}),
    /** Scheduled report delivery (issue 18). */
    reports: reportsSchema.prefault({}),
    cameras: z.array(cameraSchema).default([]),
    /** Blur of people in every image served or sent, or no image at all (config/privacy.ts). */
    privacy: privacySchema.prefault({}),
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
    checkShapeRefs(cfg, ctx);
  });

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type CameraConfig = Config['cameras'][number];
export type DetectorConfig = Config['detector'];
export type TrackerConfig = Config['tracker'];
export type AnalyticsConfig = Config['analytics'];
export type ZoneConfig = z.output<typeof zoneSchema>;
export type LineConfig = z.output<typeof lineSchema>;
