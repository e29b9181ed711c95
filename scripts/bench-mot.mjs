// make bench-mot: tracks both bundled MOT15 clips with the default config (vantage analyze
// --mot-out), scores them (vantage eval-mot), prints a table and one JSON line. Two rows per clip:
// "online" is exactly what the live tracker reports frame by frame; "offline" is the file analysis
// default, which also links tracklets and fills their gaps (see README).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const cli = join(root, 'dist/appliance/src/main.js');
const media = join(root, 'appliance/media/mot15');
const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-mot-'));
const run = (args) => JSON.parse(execFileSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' }));

const results = {};
for (const seq of ['TUD-Stadtmitte', 'TUD-Campus']) {
  for (const mode of ['online', 'offline']) {
    const pred = join(dir, `${seq}-${mode}.txt`);
    const a = run(['analyze', join(media, seq, `${seq}.mp4`), '--mot-out', pred, '--classes', 'person', '--json', ...(mode === 'online' ? ['--online'] : [])]);
    const m = run(['eval-mot', '--gt', join(media, seq, 'gt.txt'), '--pred', pred]);
    results[`${seq} ${mode}`] = { ...m, frames: a.frames, fps: a.fps, tracks: a.tracks };
  }
}
const cols = ['MOTA', 'IDF1', 'MOTP', 'IDSW', 'FP', 'FN', 'precision', 'recall', 'GT', 'HYP', 'tracks', 'fps'];
console.log(['sequence'.padEnd(24), ...cols.map((c) => c.padStart(10))].join(''));
for (const [seq, r] of Object.entries(results)) console.log([seq.padEnd(24), ...cols.map((c) => String(r[c]).padStart(10))].join(''));
console.log(JSON.stringify({ bench: 'mot', model: 'yolox-nano', results }));
