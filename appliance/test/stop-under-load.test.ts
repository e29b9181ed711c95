import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOP_DEADLINE_MS } from '../src/cli/run.js';
import { signIn } from './helpers.js';
import { launchChromium } from './browser.js';
import { cameraStops, logLines, startDaemon, stopTimes, storedCounts, storedTracks, watch } from './stop-kit.js';

// A stop on a saturated box: the CLI gives the daemon STOP_DEADLINE_MS after SIGTERM, then exits 1
// (systemd's TimeoutStopSec is 10 s). With one busy-looping process per core running, two cameras
// analysing and a Chromium WebRTC viewer watching, SIGTERM must still end in exit 0 within the
// deadline, with every analysed frame's counts in the SQLite file (the last second's included, which
// only the final flush writes) and every open track stored.

const HOGS = availableParallelism();
const CAMERAS = ['north', 'south'];

describe(`stopping the daemon with ${HOGS} CPU hogs running`, () => {
  let browser: Browser;
  const hogs: ChildProcess[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const h of hogs) h.kill('SIGKILL');
    await browser?.close();
  });

  it('exits 0 within the deadline with two cameras and a live viewer, the last frames counted in SQLite', async () => {
    const run = await startDaemon(CAMERAS);
    const ctx = await browser.newContext();
    try {
      const token = await signIn(run.base);
      await watch(await ctx.newPage(), run.base, CAMERAS[0]!, token);
      // The hogs run from here until the daemon has exited: its last seconds of analysis and its whole stop are under load.
      for (let i = 0; i < HOGS; i++) hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
      await new Promise((r) => setTimeout(r, 3000));
      const sentAt = performance.now();
      run.child.kill('SIGTERM');
      const end = await run.exited;
      const wallMs = performance.now() - sentAt;
      expect(hogs.every((h) => h.exitCode === null && h.signalCode === null)).toBe(true); // the load was there throughout
      for (const h of hogs.splice(0)) h.kill('SIGKILL');

      const logs = logLines(run.child.output());
      const times = stopTimes(logs);
      console.log(`stop under load: ${JSON.stringify({ wall_ms: Math.round(wallMs), ...times })}`);
      expect(end, run.child.output().split('\n').filter((l) => !l.startsWith('{')).join('\n')).toEqual({ code: 0, signal: null });
      expect(logs.at(-1)!.msg).toBe('stopped');
      expect(times!.total_ms).toBeLessThan(STOP_DEADLINE_MS);
      expect(wallMs).toBeLessThan(STOP_DEADLINE_MS);

      const stops = cameraStops(logs);
      expect([...stops.keys()].sort()).toEqual([...CAMERAS].sort());
      for (const camera of CAMERAS) {
        const s = stops.get(camera)!;
        expect(s.framesInferred, camera).toBeGreaterThan(0);
        const stored = storedCounts(run.dbPath, camera);
        // Every analysed frame is in a per-second row (campus has people in every frame), the last one's second too.
        expect({ camera, frames: stored.frames, lastSecond: stored.lastSecond }).toEqual({ camera, frames: s.framesInferred, lastSecond: Math.floor(s.lastInferredMs! / 1000) });
        const tracks = storedTracks(run.dbPath, camera);
        console.log(JSON.stringify({ camera, ...s, ...stored, ...tracks }));
        expect(tracks.tracks, camera).toBeGreaterThan(0);
      }
    } finally {
      for (const h of hogs.splice(0)) h.kill('SIGKILL');
      run.child.kill('SIGKILL');
      await ctx.close();
    }
  }, 180_000);
});
