import { parseArgs } from 'node:util';
import { loadConfig } from '../config/loader.js';
import { Detector } from '../detect/detector.js';
import { VantageError } from '../errors.js';
import { createLogger } from '../logger.js';
import { analyzeFile, type AnalyzeSummary } from '../pipeline/analyze-file.js';
import { out } from './io.js';

export async function analyzeCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      config: { type: 'string', short: 'c' },
    },
  });
  const video = positionals[0];
  if (!video || positionals.length > 1) throw new VantageError('ERR_USAGE', 'usage: vantage analyze VIDEO [--json] [--config FILE]');
  const { config } = loadConfig({ env, ...(values.config ? { file: values.config } : {}) });
  // Logs go to stderr so stdout holds only the result.
  const log = createLogger(config.log.level === 'info' ? 'warn' : config.log.level, process.stderr).child({ module: 'analyze' });
  const d = config.detector;
  const detector = await Detector.create({
    manifestPath: d.model!,
    provider: d.provider,
    threads: d.threads,
    scoreThreshold: d.score_threshold,
    classes: d.classes,
    ...(d.nms_iou !== undefined ? { nmsIou: d.nms_iou } : {}),
  });
  try {
    const summary = await analyzeFile(video, detector, { countThreshold: d.count_threshold, log });
    out(values.json ? JSON.stringify({ ...summary, model: detector.manifest.name, provider: detector.provider }) : formatSummary(summary));
  } finally {
    await detector.close();
  }
  return 0;
}

function formatSummary(s: AnalyzeSummary): string {
  const lines = [
    `${s.file}: ${s.width}x${s.height} @ ${s.sourceFps} fps`,
    `frames: ${s.frames}   seconds: ${s.seconds}   fps: ${s.fps}`,
    'class            detections   frames with one',
  ];
  const entries = Object.entries(s.classes).sort((a, b) => b[1].detections - a[1].detections);
  for (const [name, c] of entries) lines.push(`${name.padEnd(16)} ${String(c.detections).padStart(10)}   ${String(c.frames).padStart(15)}`);
  if (entries.length === 0) lines.push('(nothing detected)');
  return lines.join('\n');
}
