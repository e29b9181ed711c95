// `vantage analyze` against ../shared/bench/python-peer.py (the decode → detect loop a Python user
// writes: OpenCV capture and resize, onnxruntime on all cores, the same YOLOX-Nano at 416×416, person
// boxes above 0.1 after NMS 0.45), whole processes, alternated A B A B on one clip. Each process's
// CPU is user + system seconds of it and its children (bash's `time`), so ffmpeg counts for vantage.
// vantage runs its default config with `--classes person` and the count threshold at the peer's 0.1,
// so both count the same thing. Reports the median of the pairs' ratios (CPU per frame, wall) and
// every pair, and both detection counts.
//
//   node scripts/peer-ratio.mjs [CLIP]     (default: TUD-Stadtmitte of ../shared/media/mot15)
//   PEER_PAIRS=5  PEER_LOOP=1 (the clip played N times over, so start-up weighs less)  PEER_PYTHON=/path/to/python (with onnxruntime, opencv, numpy)  PEER_SCRIPT=…
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const r3 = (v) => Math.round(v * 1000) / 1000;

/** A Python that can run the peer, or undefined. */
function peerPython() {
  const candidates = [process.env.PEER_PYTHON, '/tmp/peer/bin/python', join(root, '../venv-peer/bin/python'), 'python3'].filter(Boolean);
  for (const py of candidates) {
    try {
      execFileSync(py, ['-c', 'import cv2, numpy, onnxruntime'], { stdio: 'ignore' });
      return py;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** Runs a command under bash's `time`: its stdout, and CPU (user + sys, children included) and wall seconds. */
function timed(cmd, args, env = {}) {
  const quoted = [cmd, ...args].map((a) => `'${String(a).replaceAll("'", "'\\''")}'`).join(' ');
  const r = execFileSync('bash', ['-c', `TIMEFORMAT='%3U %3S %3R'; { time ${quoted} 2>/dev/null; } 2>&1`], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  const lines = r.trim().split('\n');
  const [user, sys, wall] = lines.pop().trim().split(/\s+/).map(Number);
  return { stdout: lines.join('\n'), cpu: user + sys, wall };
}

export async function peerRatio({ clip, pairs = Number(process.env.PEER_PAIRS ?? 5), loop = Number(process.env.PEER_LOOP ?? 1) } = {}) {
  const media = [resolve(root, '../shared/media/mot15'), join(root, 'appliance/media/mot15')].find((d) => existsSync(d));
  clip ??= join(media, 'TUD-Stadtmitte/TUD-Stadtmitte.mp4');
  if (loop > 1) {
    const looped = join(mkdtempSync(join(tmpdir(), 'vantage-peer-')), `x${loop}.mp4`);
    execFileSync('ffmpeg', ['-v', 'error', '-stream_loop', String(loop - 1), '-i', clip, '-c', 'copy', looped]);
    clip = looped;
  }
  const script = process.env.PEER_SCRIPT ?? resolve(root, '../shared/bench/python-peer.py');
  const python = peerPython();
  if (!existsSync(script) || !python) return { skipped: !python ? 'no Python with onnxruntime, opencv and numpy (set PEER_PYTHON)' : `no peer script at ${script} (set PEER_SCRIPT)` };
  const model = join(root, 'models/yolox-nano/yolox_nano.onnx');
  const vantage = () => {
    const t = timed(process.execPath, [join(root, 'dist/appliance/src/main.js'), 'analyze', clip, '--json', '--classes', 'person'], { VANTAGE_DETECTOR__COUNT_THRESHOLD: '0.1' });
    const j = JSON.parse(t.stdout.trim().split('\n').at(-1));
    return { ...t, frames: j.frames, detections: j.classes.person?.detections ?? 0 };
  };
  const peer = () => {
    const t = timed(python, [script, model, clip]);
    const m = /frames=(\d+) .*detections=(\d+)/.exec(t.stdout);
    if (!m) throw new Error(`peer printed no result: ${t.stdout.slice(-300)}`);
    return { ...t, frames: Number(m[1]), detections: Number(m[2]) };
  };
  const runs = [];
  for (let i = 0; i < pairs; i++) {
    const a = vantage();
    const b = peer();
    runs.push({
      cpu_ratio: r3(a.cpu / a.frames / (b.cpu / b.frames)),
      wall_ratio: r3(a.wall / a.frames / (b.wall / b.frames)),
      vantage: { cpu_s: r3(a.cpu), wall_s: r3(a.wall), frames: a.frames, detections: a.detections },
      peer: { cpu_s: r3(b.cpu), wall_s: r3(b.wall), frames: b.frames, detections: b.detections },
    });
  }
  return {
    clip,
    loop,
    pairs,
    cpu_ratio: median(runs.map((r) => r.cpu_ratio)),
    wall_ratio: median(runs.map((r) => r.wall_ratio)),
    detections: { vantage: runs[0].vantage.detections, peer: runs[0].peer.detections },
    runs,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await peerRatio(process.argv[2] ? { clip: resolve(process.argv[2]) } : {});
  for (const x of r.runs ?? []) process.stderr.write(`vantage ${x.vantage.cpu_s} s CPU / ${x.vantage.frames} frames, peer ${x.peer.cpu_s} s / ${x.peer.frames}: ${x.cpu_ratio} (wall ${x.wall_ratio})\n`);
  console.log(JSON.stringify({ bench: 'peer', ...r }));
}
