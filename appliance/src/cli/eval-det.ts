import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/loader.js';
import { detectorFromConfig } from '../detect/from-config.js';
import { parseSize, type InputRequest } from '../detect/input-plan.js';
import { VantageError } from '../errors.js';
import { evaluateDetections, type FrameDetections } from '../eval/det-eval.js';
import { parseMot } from '../eval/mot-format.js';
import { createLogger } from '../logger.js';
import { analyzeFile } from '../pipeline/analyze-file.js';
import { out } from './io.js';

const USAGE =
  'usage: vantage eval-det VIDEO --gt GT.txt [--model MANIFEST] [--input auto|WxH] [--input-pixels N] [--every N] [--class person] [--iou 0.5] [--config FILE]';

/**
 * Scores the detector alone on a clip with MOTChallenge ground truth: AP at --iou, and recall,
 * precision and false positives per frame at detector.count_threshold, with the model's time per
 * frame (one inline session of one thread, so runs compare). Prints one JSON object.
 */
export async function evalDetCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      gt: { type: 'string' },
      model: { type: 'string' },
      input: { type: 'string' },
      'input-pixels': { type: 'string' },
      every: { type: 'string', default: '1' },
      class: { type: 'string', default: 'person' },
      iou: { type: 'string', default: '0.5' },
      config: { type: 'string', short: 'c' },
    },
  });
  const video = positionals[0];
  if (!video || positionals.length > 1 || !values.gt) throw new VantageError('ERR_USAGE', USAGE);
  if (!existsSync(values.gt)) throw new VantageError('ERR_USAGE', `--gt file not found: ${values.gt}`);
  const iou = Number(values.iou);
  if (!(iou > 0 && iou <= 1)) throw new VantageError('ERR_USAGE', `--iou must be in (0, 1], got "${values.iou}"`);
  const every = Number(values.every);
  if (!Number.isInteger(every) || every < 1 || every > 100) throw new VantageError('ERR_USAGE', `--every must be a whole number from 1 to 100, got "${values.every}"`);
  let gt;
  try {
    gt = parseMot(readFileSync(values.gt, 'utf8'));
  } catch (e) {
    throw new VantageError('ERR_USAGE', `--gt ${values.gt}: ${(e as Error).message}`);
  }
  const { config } = loadConfig({ env, ...(values.config ? { file: values.config } : {}) });
  const input: InputRequest = { size: 'auto', pixels: config.detector.input_pixels };
  if (values.input && values.input !== 'auto') {
    const size = parseSize(values.input);
    if (!size) throw new VantageError('ERR_USAGE', `--input must be auto or WIDTHxHEIGHT, got "${values.input}"`);
    input.size = size;
  }
  if (values['input-pixels'] !== undefined) {
    const px = Number(values['input-pixels']);
    if (!Number.isInteger(px) || px < 64 * 64 || px > 2048 * 2048) throw new VantageError('ERR_USAGE', `--input-pixels must be a whole number from 4096 to 4194304, got "${values['input-pixels']}"`);
    input.pixels = px;
  }
  const model = values.model ? resolve(values.model) : undefined;
  if (model && !existsSync(model)) throw new VantageError('ERR_USAGE', `--model manifest not found: ${model}`);
  const log = createLogger(config.log.level === 'info' ? 'warn' : config.log.level, process.stderr).child({ module: 'eval-det' });
  // One inline session of one thread: the time per frame is the model's, comparable between runs.
  const detector = await detectorFromConfig({ ...config.detector, workers: 0, threads: 1, max_batch: 1 }, { classes: [values.class], input, ...(model ? { model, field: '--model' } : {}) });
  const predicted: FrameDetections[] = [];
  let inferenceMs = 0;
  try {
    const summary = await analyzeFile(video, detector, {
      countThreshold: config.detector.count_threshold,
      detectEvery: every,
      log,
      onFrame: (r) => {
        if (!r.inferred) return;
        inferenceMs += r.inferenceMs;
        predicted.push({ frame: r.seq + 1, detections: r.detections.map((d) => ({ box: d.box, score: d.score })) });
      },
    });
    const m = evaluateDetections(gt, predicted, { iou, scoreThreshold: config.detector.count_threshold });
    const r3 = (v: number) => Math.round(v * 1000) / 1000;
    out(
      JSON.stringify({
        video: summary.file,
        model: detector.manifest.name,
        input: `${summary.input.width}x${summary.input.height}`,
        every,
        frames: m.frames,
        AP50: r3(m.ap),
        recall: r3(m.recall),
        precision: r3(m.precision),
        fp_per_frame: r3(m.fpPerFrame),
        ms_per_frame: Math.round((inferenceMs / Math.max(1, m.frames)) * 10) / 10,
        count_threshold: config.detector.count_threshold,
        iou,
        gt: m.gt,
      }),
    );
  } finally {
    await detector.close();
  }
  return 0;
}
