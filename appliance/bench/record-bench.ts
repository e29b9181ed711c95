/**
 * What recording costs (for `make bench`): one camera analysed in real time through the whole daemon,
 * first without recording, then with `record.mode: continuous`, each for `seconds`. The recorder's
 * CPU (its ffmpeg's user + system time from /proc) is reported in cores and as a ratio to the CPU of
 * analysis alone (the daemon process with its detector threads, plus the camera's decoding ffmpeg,
 * in the run without recording). The goal is under 0.02 of one core per camera.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Appliance } from '../src/appliance.js';
import { validateConfig } from '../src/config/loader.js';
import { silentLogger } from '../src/logger.js';

const TICK = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of a process, from /proc; 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
}

/** This process's child processes, each marked whether it is a recorder (an ffmpeg writing segments). */
function children(): Array<{ pid: number; recorder: boolean }> {
  const out: Array<{ pid: number; recorder: boolean }> = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      out.push({ pid: Number(d), recorder: cmd.includes('segment') });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function run(clip: string, dir: string, seconds: number, record: boolean, env: Record<string, unknown>): Promise<{ analysis: number; recorder: number; wall: number }> {
  const config = validateConfig({
    ...env,
    http: { port: 0 },
    storage: { path: join(dir, `record-bench-${record ? 'on' : 'off'}-${Date.now()}.db`), media_dirs: [dir] },
    cameras: [{ id: 'cam', source: clip, loop: true, realtime: true, record: { mode: record ? 'continuous' : 'off' } }],
  });
  const app = new Appliance(config, silentLogger());
  await app.start();
  await new Promise((r) => setTimeout(r, 3000)); // warm-up: decoder and recorder running
  const kids = children();
  const self0 = process.cpuUsage();
  const c0 = new Map(kids.map((k) => [k.pid, cpuSeconds(k.pid)]));
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wall = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  let analysis = (self.user + self.system) / 1e6;
  let recorder = 0;
  for (const k of kids) {
    const used = cpuSeconds(k.pid) - c0.get(k.pid)!;
    if (k.recorder) recorder += used;
    else analysis += used;
  }
  await app.stop();
  return { analysis, recorder, wall };
}

/** The recording cost of one 640×480 25 fps H.264 camera (`clip`, under `dir`). */
export async function benchRecording(clip: string, dir: string, seconds: number, env: Record<string, unknown> = {}) {
  const off = await run(clip, dir, seconds, false, env);
  const on = await run(clip, dir, seconds, true, env);
  const analysisCores = off.analysis / off.wall;
  const recorderCores = on.recorder / on.wall;
  return {
    seconds,
    analysis_cores: Math.round(analysisCores * 1000) / 1000,
    recorder_cores: Math.round(recorderCores * 10_000) / 10_000,
    recorder_to_analysis_ratio: Math.round((recorderCores / analysisCores) * 10_000) / 10_000,
    goal_recorder_cores: 0.02,
  };
}
