import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/loader.js';
import { detectorFromConfig } from '../detect/from-config.js';
import { VantageError } from '../errors.js';
import { motLines } from '../eval/mot-writer.js';
import { interpolateGaps, type TrackRow } from '../eval/interpolate.js';
import { continuation, linkTracklets, OFFLINE_LINK } from '../eval/link-tracklets.js';
import { RECLAIM_GAP_SECONDS, reclaimSwaps } from '../eval/reclaim-swaps.js';
import { createLogger } from '../logger.js';
import { analyzeFile, type AnalyzeSummary } from '../pipeline/analyze-file.js';
import { FrameProcessor, type FrameConsumer } from '../pipeline/frame-processor.js';
import { CameraTracker } from '../track/camera-tracker.js';
import { trackerOptions } from '../track/options.js';
import type { TrackEvent } from '../track/types.js';
import { out } from './io.js';

const USAGE = 'usage: vantage analyze VIDEO [--json] [--mot-out FILE [--online]] [--classes person,car] [--config FILE]';

export async function analyzeCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      config: { type: 'string', short: 'c' },
      'mot-out': { type: 'string' },
      /** Write exactly what the live tracker reported frame by frame (no offline gap filling). */
      online: { type: 'boolean', default: false },
      classes: { type: 'string', multiple: true },
    },
  });
  const video = positionals[0];
  if (!video || positionals.length > 1) throw new VantageError('ERR_USAGE', USAGE);
  const { config } = loadConfig({ env, ...(values.config ? { file: values.config } : {}) });
  // Logs go to stderr so stdout holds only the result.
  const log = createLogger(config.log.level === 'info' ? 'warn' : config.log.level, process.stderr).child({ module: 'analyze' });
  const classes = values.classes?.flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
  const detector = await detectorFromConfig(config.detector, classes ? { classes } : {});
  const motOut = values['mot-out'];
  const tracker = motOut ? new CameraTracker(trackerOptions(config.tracker)) : undefined;
  const ids = new Set<number>();
  const rows: TrackRow[] = [];
  /** Rows of frames before each track was confirmed (used offline only). */
  const early: TrackRow[] = [];
  /** Tracks confirmed in the frame being processed (their events come before the frame). */
  let born: Array<Extract<TrackEvent, { type: 'track.new' }>> = [];
  const motRows: FrameConsumer = {
    trackEvent: (_camera, e) => {
      if (e.type === 'track.new') born.push(e);
    },
    frame: ({ result: r, tracks }) => {
      for (const t of tracks) {
        ids.add(t.id);
        rows.push({ frame: r.seq + 1, id: t.id, box: t.box, score: t.score });
      }
      // Offline, a track's frames before it was confirmed are known too: it was that object.
      const fps = r.seq > 0 ? (r.seq * 1000) / r.timeMs : 25;
      for (const e of born) {
        const frame = Math.round(e.track.firstSeen * fps) + 1;
        if (frame < r.seq + 1) early.push({ frame, id: e.track.id, box: e.firstBox, score: e.track.score });
      }
      born = [];
    },
  };
  const processor = new FrameProcessor({
    camera: 'analyze',
    tracker,
    countThreshold: config.detector.count_threshold,
    className: (id) => detector.className(id),
    consumers: tracker ? [motRows] : [],
  });
  try {
    const summary = await analyzeFile(video, detector, { countThreshold: config.detector.count_threshold, log, processor });
    if (motOut) {
      // A file is analysed after the fact: each track's frames before confirmation are known, a
      // track that ends and one that starts soon after where it was heading are one object, and
      // the gaps of a track can be filled. --online keeps the live tracker's output as it was.
      const maxGap = Math.round(config.tracker.track_buffer_seconds * (summary.sourceFps || 25));
      const offline = () => {
        const gap = Math.round(OFFLINE_LINK.maxGapSeconds * (summary.sourceFps || 25));
        const fps = summary.sourceFps || 25;
        const joined = linkTracklets([...early, ...rows], { maxGapFrames: gap, maxHeights: OFFLINE_LINK.maxHeights, fps });
        // A detection the live tracker lent to a neighbour for a frame goes back to its own track.
        const linked = reclaimSwaps(joined, { maxGapSeconds: RECLAIM_GAP_SECONDS, maxHeights: OFFLINE_LINK.maxHeights, fps });
        // A gap is drawn across only where the linker would call the two sides one object.
        return interpolateGaps(linked, Math.max(gap, maxGap), (before, after) => continuation(before, after, OFFLINE_LINK.maxHeights, fps) !== undefined);
      };
      const written = values.online ? rows : offline();
      writeFileSync(resolve(motOut), motLines(written));
      ids.clear();
      for (const r of written) ids.add(r.id);
    }
    const result = { ...summary, ...(tracker ? { tracks: ids.size, motOut: resolve(motOut!) } : {}), model: detector.manifest.name, provider: detector.provider };
    out(values.json ? JSON.stringify(result) : formatSummary(summary, tracker ? ids.size : undefined));
  } finally {
    await detector.close();
  }
  return 0;
}

function formatSummary(s: AnalyzeSummary, tracks: number | undefined): string {
  const lines = [
    `${s.file}: ${s.width}x${s.height} @ ${s.sourceFps} fps`,
    `frames: ${s.frames}   seconds: ${s.seconds}   fps: ${s.fps}${tracks === undefined ? '' : `   tracks: ${tracks}`}`,
    'class            detections   frames with one',
  ];
  const entries = Object.entries(s.classes).sort((a, b) => b[1].detections - a[1].detections);
  for (const [name, c] of entries) lines.push(`${name.padEnd(16)} ${String(c.detections).padStart(10)}   ${String(c.frames).padStart(15)}`);
  if (entries.length === 0) lines.push('(nothing detected)');
  return lines.join('\n');
}
