import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOP_DEADLINE_MS } from '../src/cli/run.js';
import { signIn } from './helpers.js';
import { launchChromium } from './browser.js';
import { cameraStops, logLines, startDaemon, stopTimes, storedCounts, watch } from './stop-kit.js';

// Issue 19, fault 2: SIGTERM while someone watched over WebRTC ended in a native crash in wrtc's
// cleanup after "stopped" (SIGSEGV/SIGABRT: every time on this machine before the fix). The real
// daemon, real Chromium viewers, a real SIGTERM; repeated, as such a crash can be intermittent. Each
// stop also ends within the CLI's deadline with the camera's last counts in the SQLite file.

const ROUNDS = 3;

describe('stopping the daemon while WebRTC viewers watch', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  it(`exits 0 after SIGTERM with two Chromium viewers playing, ${ROUNDS} times in a row`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const run = await startDaemon(['campus']);
      const { base, child } = run;
      const ctx = await browser.newContext();
      try {
        const token = await signIn(base);
        for (const p of [await ctx.newPage(), await ctx.newPage()]) await watch(p, base, 'campus', token);
        const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
        expect(metrics).toMatch(/^vantage_live_viewers\{camera="campus",transport="webrtc"\} 2$/m);
        child.kill('SIGTERM');
        const end = await run.exited;
        const logs = logLines(child.output());
        expect({ round, ...end }, child.output().split('\n').filter((l) => !l.startsWith('{')).join('\n')).toEqual({ round, code: 0, signal: null });
        expect(logs.at(-1)!.msg).toBe('stopped');
        expect(logs.some((l) => l.msg.startsWith('WebRTC objects still referenced'))).toBe(false);
        expect(stopTimes(logs)!.total_ms).toBeLessThan(STOP_DEADLINE_MS);
        const cam = cameraStops(logs).get('campus')!;
        expect(storedCounts(run.dbPath, 'campus')).toEqual({ frames: cam.framesInferred, lastSecond: Math.floor(cam.lastInferredMs! / 1000) });
      } finally {
        child.kill('SIGKILL');
        await ctx.close();
      }
    }
  }, 180_000);
});
